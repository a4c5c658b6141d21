import { parseBasicAuthorization } from '#oauth';
import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenProblem, UnauthorizedProblem } from '#errors';
import type { RegistrySnapshot } from '#sync';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SyncSnapshotRepository } from './sync-snapshot.repository.js';

/**
 * The registry snapshot a resource server loads at start and after a gap. Only the provisioned
 * resource client (RESOURCE_CLIENT_ID) may read it: it lists every client and revocation.
 */
@Injectable()
export class SyncSnapshotService {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly clients: ClientAuthenticator,
    private readonly snapshots: SyncSnapshotRepository,
  ) {}

  async snapshotFor(authorization: string | undefined): Promise<RegistrySnapshot> {
    const credentials = parseBasicAuthorization(authorization, { formEncoded: true });
    if (!credentials) throw new UnauthorizedProblem('client authentication with HTTP Basic is required');
    const client = await this.clients.authenticate(credentials.username, credentials.password);
    if (!client || !client.active || client.type !== 'confidential') throw new UnauthorizedProblem('client authentication failed');
    if (client.clientId !== this.config.resourceClient?.clientId) throw new ForbiddenProblem('only the resource server client may read the registry snapshot');
    return this.snapshots.read();
  }
}
