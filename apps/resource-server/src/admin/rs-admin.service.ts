import { Injectable } from '@nestjs/common';
import { NotFoundProblem } from '#errors';
import { RegistryProjection, RegistrySyncService, type ProjectedClient, SyncTransportRegistry } from '#resource-guard';

export interface ClientView {
  clientId: string;
  name: string;
  version: string;
  type: string;
  active: boolean;
  enabled: boolean;
  scopes: string[];
}

export interface ScopeView {
  name: string;
  description: string;
}

export interface SyncView {
  transport: string | null;
  connected: boolean;
  lastAppliedSeq: number;
  snapshotLoadedAt: string | null;
  /** Events known to the transport but not applied here yet; null before a transport runs. */
  lag: number | null;
}

@Injectable()
export class RsAdminService {
  constructor(
    private readonly projection: RegistryProjection,
    private readonly sync: RegistrySyncService,
    private readonly transports: SyncTransportRegistry,
  ) {}

  clients(): ClientView[] {
    return this.projection.allClients().map(toClientView);
  }

  async setEnabled(clientId: string, enabled: boolean): Promise<ClientView> {
    if (!(await this.sync.setEnabled(clientId, enabled))) throw new NotFoundProblem(`no client ${clientId}`);
    return toClientView(this.projection.client(clientId)!);
  }

  scopes(): ScopeView[] {
    return this.projection.allScopes().map((scope) => ({ name: scope.name, description: scope.description }));
  }

  syncStatus(): SyncView {
    const state = this.projection.syncState();
    const transport = this.transports.status();
    return {
      transport: transport?.transport ?? null,
      connected: transport?.connected ?? false,
      lastAppliedSeq: state.lastAppliedSeq,
      snapshotLoadedAt: state.snapshotLoadedAt?.toISOString() ?? null,
      lag: transport ? Math.max(0, (transport.latestSeq ?? transport.lastDeliveredSeq) - state.lastAppliedSeq) : null,
    };
  }
}

function toClientView(client: ProjectedClient): ClientView {
  return {
    clientId: client.clientId,
    name: client.name,
    version: client.version,
    type: client.type,
    active: client.active,
    enabled: client.enabled,
    scopes: [...client.scopes].sort(),
  };
}
