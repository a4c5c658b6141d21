import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { ClientEntity } from '../clients/client.entity.js';
import { toClientWithSecrets } from '../clients/client.mapper.js';
import { ResourcesRepository } from '../resources/resources.repository.js';
import { ScopeEntity } from '../scopes/scope.entity.js';
import type { Settings } from '../settings/settings.js';
import { settingsFrom } from './stored-settings.js';
import { UsersRepository, type StoredUser as UserWithHash } from '../users/users.repository.js';
import type { RegistryState, StoredClient, StoredUser } from './import-plan.js';


/** One import at a time: two concurrent imports would each plan against a state the other changes. */
const IMPORT_LOCK = 'portcullis:import';

/**
 * Reads the whole registry in one transaction (an export is one consistent snapshot, an import
 * plans against what it then writes), and the settings rows an import writes. Clients, scopes,
 * users and resources are written through their own modules.
 */
@Injectable()
export class ImportExportRepository {
  constructor(
    private readonly resourceRows: ResourcesRepository,
    private readonly userRows: UsersRepository,
  ) {}

  /** One import at a time, and none while a user is being created (the subject-names lock, UsersRepository). */
  async lock(tx: Tx): Promise<void> {
    await entityManagerOf(tx).query('SELECT pg_advisory_xact_lock(hashtext($1))', [IMPORT_LOCK]);
    await this.userRows.lockSubjectNames(tx);
  }

  /** `resourceAudience`: the settings' default accessTokenAudience (RESOURCE_AUDIENCE). */
  async readState(tx: Tx, resourceAudience: string): Promise<RegistryState> {
    const manager = entityManagerOf(tx);
    // One after the other: the statements share the transaction's connection anyway.
    const clients = await manager.find(ClientEntity, { order: { createdAt: 'ASC', id: 'ASC' } });
    const associations: { client_ref: string; scope_name: string }[] = await manager.query('SELECT client_ref, scope_name FROM client_scopes ORDER BY scope_name');
    const scopes = await manager.find(ScopeEntity, { order: { name: 'ASC' } });
    const users = await this.userRows.allWithHashes(tx);
    const resources = await this.resourceRows.all(tx);
    const settings: { key: string; value: unknown }[] = await manager.query('SELECT key, value FROM settings');
    const scopesOf = new Map<string, string[]>();
    for (const row of associations) scopesOf.set(row.client_ref, [...(scopesOf.get(row.client_ref) ?? []), row.scope_name]);
    return {
      settings: settingsFrom(Object.fromEntries(settings.map((row) => [row.key, row.value])), resourceAudience),
      clients: new Map(clients.map((entity) => [entity.clientId, toStoredClient(entity, scopesOf.get(entity.id) ?? [])])),
      scopes: new Map(
        scopes.map((entity) => [
          entity.name,
          { name: entity.name, description: entity.description, requiredPermission: entity.requiredPermission, entityVersion: Number(entity.entityVersion), createdAt: entity.createdAt, updatedAt: entity.updatedAt },
        ]),
      ),
      users: new Map(users.sort((a, b) => a.user.username.localeCompare(b.user.username)).map((stored) => [stored.user.username.toLowerCase(), toStoredUser(stored)])),
      resources: new Map(resources.map((resource) => [resource.identifier, resource])),
    };
  }

  /** The settings' key/value rows, as SettingsRepository writes them, inside the import's transaction. */
  async writeSettings(tx: Tx, values: Partial<Settings>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      await entityManagerOf(tx).query(
        'INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
        [key, JSON.stringify(value)],
      );
    }
  }
}

function toStoredClient(entity: ClientEntity, scopes: string[]): StoredClient {
  const { client, secretHash, previousSecretHash, previousSecretExpiresAt, secretSealed, previousSecretSealed } = toClientWithSecrets(entity);
  return { client, scopes, secretHash, previousSecretHash, previousSecretExpiresAt: previousSecretExpiresAt && new Date(previousSecretExpiresAt), secretSealed, previousSecretSealed };
}

function toStoredUser({ user, passwordHash }: UserWithHash): StoredUser {
  return { id: user.id, username: user.username, permissions: user.permissions, active: user.active, profile: user.profile, passwordHash };
}

