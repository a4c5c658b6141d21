import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { SyncEvents } from '#sync';
import type { Client } from '../clients/client.js';
import { ClientEvents } from '../clients/client-events.js';
import { ClientSecretBox } from '../clients/client-secret-box.js';
import { ClientWritesRepository } from '../clients/client-writes.repository.js';
import { OutboxWriter } from '../outbox/outbox.writer.js';
import { ResourcesRepository } from '../resources/resources.repository.js';
import { ResourcesService } from '../resources/resources.service.js';
import { toScopeSnapshot } from '../scopes/scope.js';
import { ScopesRepository } from '../scopes/scopes.repository.js';
import { ScopesService } from '../scopes/scopes.service.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { TokenRevoker } from '../tokens/token-revoker.js';
import { dummyPasswordHash } from '../users/password-hasher.js';
import { UsersRepository } from '../users/users.repository.js';
import type { ClientWrite, ImportPlan, ScopeWrite, UserWrite } from './import-plan.js';
import { ImportExportRepository } from './import-export.repository.js';
import { unusablePasswordHash } from './password-hash-format.js';

/**
 * Writes a plan inside the import's transaction, through the writes and outbox events the admin
 * API uses, so that resource servers learn imported clients, scopes and associations as they
 * learn any admin change, and all of it commits or none. Order: settings, scopes, clients (their
 * scopes exist), users, resources (their clients exist).
 */
@Injectable()
export class ImportWriter {
  constructor(
    private readonly repository: ImportExportRepository,
    private readonly scopes: ScopesService,
    private readonly scopeRows: ScopesRepository,
    private readonly outbox: OutboxWriter,
    private readonly clients: ClientWritesRepository,
    private readonly clientEvents: ClientEvents,
    private readonly box: ClientSecretBox,
    private readonly resources: ResourcesService,
    private readonly resourceRows: ResourcesRepository,
    private readonly revoker: TokenRevoker,
    private readonly sessions: BrowserSessionsService,
    private readonly userRows: UsersRepository,
  ) {}

  async apply(tx: Tx, plan: ImportPlan): Promise<void> {
    if (plan.settings) await this.repository.writeSettings(tx, plan.settings);
    for (const scope of plan.scopes) await this.scope(tx, scope);
    for (const client of plan.clients) await this.client(tx, client);
    for (const user of plan.users) await this.user(tx, user);
    for (const { kind, id, fields } of plan.resources) {
      if (kind === 'create') await this.resources.insert(tx, fields);
      else await this.resourceRows.update(tx, id!, fields, fields.clientId === null ? null : await this.resourceRows.clientRefOf(tx, fields.clientId));
    }
  }

  private async scope(tx: Tx, { kind, name, description, requiredPermission }: ScopeWrite): Promise<void> {
    if (kind === 'create') {
      await this.scopes.insert(tx, name, description, requiredPermission);
      return;
    }
    const scope = await this.scopeRows.update(tx, name, { description, requiredPermission });
    await this.outbox.append(tx, SyncEvents.scopeUpserted, scope.name, scope.entityVersion, toScopeSnapshot(scope));
  }

  private async client(tx: Tx, write: ClientWrite): Promise<void> {
    const secrets = { ...write.secrets, ...(write.sealFromSecret !== undefined ? { secretSealed: this.box.seal(write.sealFromSecret, write.clientId) } : {}) };
    let client: Client;
    if (write.kind === 'create') {
      client = await this.clients.insert(tx, write.clientId, write.fields, secrets.secretHash ?? null, secrets.secretSealed ?? null);
      if (secrets.previousSecretHash) {
        const { previousSecretHash, previousSecretExpiresAt, previousSecretSealed } = secrets;
        client = await this.clients.update(tx, client.id, {}, { previousSecretHash, previousSecretExpiresAt, previousSecretSealed });
      }
    } else {
      client = await this.clients.update(tx, write.ref!, write.fields, secrets);
    }
    if (write.scopes) await this.setScopes(tx, client.id, write.storedScopes, write.scopes);
    // client.upserted carries the associations as they now are: one event says it all.
    await this.clientEvents.upserted(tx, client);
    if (write.deactivated) {
      // As PATCH {"active": false}: every token of the client stops at once (CONTRACT.md).
      await this.clientEvents.exchangedTokensRevoked(tx, await this.clients.revokeExchangedFrom(tx, client.id));
      await this.clients.revokeGrants(tx, client.id);
      await this.clientEvents.tokensRevoked(tx, client, await this.clients.now(tx));
    }
  }

  private async setScopes(tx: Tx, clientRef: string, stored: string[], wanted: string[]): Promise<void> {
    for (const name of stored) if (!wanted.includes(name)) await this.scopeRows.disassociate(tx, clientRef, name);
    for (const name of wanted) if (!stored.includes(name)) await this.scopeRows.associate(tx, clientRef, name);
  }

  private async user(tx: Tx, write: UserWrite): Promise<void> {
    const profile = { ...write.profile, updated_at: Math.floor(Date.now() / 1000) };
    if (write.kind === 'create') {
      const passwordHash = write.passwordHash ?? unusablePasswordHash(dummyPasswordHash());
      await this.userRows.insertIn(tx, { username: write.username, passwordHash, permissions: write.permissions, active: write.active, profile });
      return;
    }
    await this.userRows.updateIn(tx, write.id!, { permissions: write.permissions, active: write.active, profile, ...(write.passwordHash ? { passwordHash: write.passwordHash } : {}) });
    if (write.deactivated) {
      // As PATCH /admin/v1/users {"active": false}: the user's tokens and browser sessions end in the same commit.
      await this.revoker.revokeAllOfUser(write.id!, tx);
      await this.sessions.endAllOfUser(write.id!, tx);
    }
  }
}
