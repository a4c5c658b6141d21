import { Injectable } from '@nestjs/common';
import { adminValidationPipe, NotFoundProblem } from '#errors';
import { type AuthenticatedAccess, RegistryProjection, RegistrySyncService, type ProjectedClient, SyncTransportRegistry } from '#resource-guard';
import { AdminAudit } from '../audit/admin-audit.js';
import { ADMIN_CHANGES } from './admin-changes.js';
import { UpdateClientBody } from './update-client.body.js';

/** The admin API's body validation, run inside the audit (the global pipe skips an `unknown` body). */
const BODY = adminValidationPipe();

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
    private readonly audit: AdminAudit,
  ) {}

  clients(): ClientView[] {
    return this.projection.allClients().map(toClientView);
  }

  /**
   * The local switch (stage 5), audited with the client before and after; the row is written in
   * the switch's transaction, so a switch never lands without it.
   */
  setEnabled(clientId: string, body: unknown, actor: AuthenticatedAccess): Promise<ClientView> {
    const asked = (body as { enabled?: unknown } | null)?.enabled;
    const kind = asked === true ? ADMIN_CHANGES.clientEnabled : asked === false ? ADMIN_CHANGES.clientDisabled : ADMIN_CHANGES.clientSwitched;
    return this.audit.audited({ ...kind, targetId: clientId, change: body }, actor, async (record) => {
      const { enabled } = (await BODY.transform(body, { type: 'body', metatype: UpdateClientBody })) as UpdateClientBody;
      const before = this.clientView(clientId);
      // External mode switches a client no event described: it has no view before, only its switch after.
      const after = before ? { ...before, enabled } : { clientId, enabled };
      if (!(await this.sync.setEnabled(clientId, enabled, (tx) => record({ before, after }, tx)))) throw new NotFoundProblem(`no client ${clientId}`);
      return this.clientView(clientId)!;
    });
  }

  private clientView(clientId: string): ClientView | null {
    const client = this.projection.client(clientId);
    return client ? toClientView(client) : null;
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
