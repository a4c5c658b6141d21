import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Tx } from '#database';
import { ConflictProblem, sqlState, UNIQUE_VIOLATION } from '#errors';
import { ClientEvents } from '../clients/client-events.js';
import { ClientWritesRepository } from '../clients/client-writes.repository.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { DefaultResourcesSeed } from '../resources/default-resources.seed.js';
import { ScopesService } from '../scopes/scopes.service.js';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPES, consoleClientFields, consoleRedirectUri } from './console-client.js';
import { ConsoleClientRepository } from './console-client.repository.js';

/**
 * Makes the console a working OAuth client at every boot: the scopes `admin` and `rs.admin` (both
 * requiring access_control when created here; migration 1763800000400 set it on older ones), the
 * public client `portcullis-console`, and their associations. Idempotent: nothing is written when
 * all is in place. What an admin changed on purpose (deactivation, extra redirect URIs, refresh
 * count) is kept; only what the console cannot work without is restored. Every change commits
 * with its outbox events, so the resource servers learn the client and scopes like any other.
 */
@Injectable()
export class ConsoleClientProvisioning implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConsoleClientProvisioning.name);

  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly transaction: RegistryTransaction,
    private readonly writes: ClientWritesRepository,
    private readonly events: ClientEvents,
    private readonly scopes: ScopesService,
    private readonly repository: ConsoleClientRepository,
    private readonly defaultResources: DefaultResourcesSeed,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.transaction.run((tx) => this.provision(tx));
    } catch (error) {
      // Another instance provisioned at the same moment (ScopesService reports its duplicate as a
      // ConflictProblem): run again, which now finds its rows.
      if (sqlState(error) !== UNIQUE_VIOLATION && !(error instanceof ConflictProblem)) throw error;
      await this.transaction.run((tx) => this.provision(tx));
    }
  }

  private async provision(tx: Tx): Promise<void> {
    for (const scope of CONSOLE_SCOPES) {
      if (!(await this.repository.scopeExists(tx, scope.name))) await this.scopes.insert(tx, scope.name, scope.description, scope.requiredPermission);
    }
    // The first start's resources own these scopes, so they are seeded once the scopes exist.
    const resources = await this.defaultResources.seed(tx);
    if (resources.length > 0) this.logger.log(`registered the default resources ${resources.join(' ')}`);
    const stored = await this.writes.lock(tx, CONSOLE_CLIENT_ID);
    if (!stored) {
      const client = await this.writes.insert(tx, CONSOLE_CLIENT_ID, consoleClientFields(this.config.issuer), null);
      await this.associate(tx, client.id);
      await this.events.upserted(tx, client);
      this.logger.log(`provisioned the web console client ${CONSOLE_CLIENT_ID}`);
      return;
    }
    let client = stored.client;
    const redirectUri = consoleRedirectUri(this.config.issuer);
    // A changed AUTH_ISSUER needs its callback registered; other redirect URIs stay.
    if (!client.redirectUris.includes(redirectUri)) {
      client = await this.writes.update(tx, client.id, { redirectUris: [...client.redirectUris, redirectUri] });
      await this.events.upserted(tx, client);
      this.logger.log(`registered ${redirectUri} for the web console client`);
    }
    if (await this.associate(tx, client.id)) {
      await this.events.scopesSet(tx, await this.writes.update(tx, client.id, {}));
    }
  }

  /** Associates the console's scopes; true when an association was missing. */
  private associate(tx: Tx, clientRef: string): Promise<boolean> {
    return this.repository.associateAll(
      tx,
      clientRef,
      CONSOLE_SCOPES.map((scope) => scope.name),
    );
  }
}
