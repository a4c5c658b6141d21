import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { sqlState, UNIQUE_VIOLATION } from '#errors';
import { GrantTypes } from '#oauth';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../clients/id-token-signing-alg.js';
import type { Client } from '../clients/client.js';
import { ClientEvents } from '../clients/client-events.js';
import { hashClientSecret } from '../clients/client-secret.js';
import { ClientWritesRepository, type ClientFields } from '../clients/client-writes.repository.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';

/**
 * What the resource server's own client looks like; an admin may still deactivate it. It
 * introspects tokens of every client (TOKEN_VALIDATION=introspection), hence the flag.
 */
const RESOURCE_CLIENT: Pick<ClientFields, 'name' | 'version' | 'type' | 'grants' | 'introspection'> = {
  name: 'Resource Server',
  version: '1.0',
  type: 'confidential',
  grants: [GrantTypes.clientCredentials],
  introspection: true,
};

/**
 * Makes RESOURCE_CLIENT_ID / RESOURCE_CLIENT_SECRET a working confidential client at every boot,
 * so the resource server can read the registry snapshot (and introspect any token); an installation
 * from before the introspection flag gets it at its next boot. The change and its
 * client.upserted event commit together; nothing is written when the client is already current.
 */
@Injectable()
export class ResourceClientProvisioning implements OnApplicationBootstrap {
  private readonly logger = new Logger(ResourceClientProvisioning.name);

  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly transaction: RegistryTransaction,
    private readonly writes: ClientWritesRepository,
    private readonly events: ClientEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.resourceClient;
    if (!wanted) return;
    try {
      await this.provision(wanted.clientId, hashClientSecret(wanted.clientSecret));
    } catch (error) {
      // Another auth-server instance inserted it at the same moment: its row is what we want.
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      await this.provision(wanted.clientId, hashClientSecret(wanted.clientSecret));
    }
  }

  private provision(clientId: string, secretHash: string): Promise<void> {
    return this.transaction.run(async (tx) => {
      const existing = await this.writes.lock(tx, clientId);
      if (!existing) {
        const client = await this.writes.insert(tx, clientId, { ...RESOURCE_CLIENT, description: '', redirectUris: [], accessTokenLifetime: { mode: 'global' }, refreshCount: { mode: 'limited', limit: 0 }, active: true, idTokenSignedResponseAlg: DEFAULT_ID_TOKEN_SIGNING_ALG, postLogoutRedirectUris: [] }, secretHash);
        await this.events.upserted(tx, client);
        this.logger.log(`provisioned the resource server client ${clientId}`);
        return;
      }
      if (isCurrent(existing.client, existing.secretHash, secretHash)) return;
      const client = await this.writes.update(tx, existing.client.id, RESOURCE_CLIENT, { secretHash, previousSecretHash: null, previousSecretExpiresAt: null });
      await this.events.upserted(tx, client);
      this.logger.log(`updated the resource server client ${clientId}`);
    });
  }
}

function isCurrent(client: Client, storedHash: string | null, secretHash: string): boolean {
  return (
    storedHash === secretHash &&
    client.name === RESOURCE_CLIENT.name &&
    client.version === RESOURCE_CLIENT.version &&
    client.type === RESOURCE_CLIENT.type &&
    client.introspection === RESOURCE_CLIENT.introspection &&
    client.grants.length === 1 &&
    client.grants[0] === GrantTypes.clientCredentials
  );
}
