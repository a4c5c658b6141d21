import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inTransaction, type Tx } from '#database';
import { txOf } from '#database/persistence';
import type { ClientType } from '#oauth';
import type { RegistrySnapshot } from '#sync';
import { REGISTRY_DATA_SOURCE } from '../database/registry-data-source.js';
import type { RegistryChange, StoredVersions } from './apply-rules.js';
import type { ProjectedClient, RegistryRows, ScopeRecord, SyncState } from './registry.js';

/** What a local switch writes in its own transaction (the admin's audit row). */
export type SwitchAlongside = (tx: Tx) => Promise<void>;

const NOTHING: SwitchAlongside = async () => undefined;

/** Rows one purge statement removes at most. */
const PURGE_BATCH = 5000;

interface ClientRow {
  client_id: string;
  name: string;
  version: string;
  type: ClientType;
  active: boolean;
  enabled: boolean;
  entity_version: string;
  scopes_version: string;
}

/** The only code that reads or writes the resource server's projection tables. */
@Injectable()
export class RegistryRepository {
  constructor(@Inject(REGISTRY_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async loadAll(): Promise<RegistryRows> {
    const [clients, clientScopes, scopes, revokedGrants, clientRevocations, state] = await Promise.all([
      this.dataSource.query('SELECT * FROM clients') as Promise<ClientRow[]>,
      this.dataSource.query('SELECT client_id, scope FROM client_scopes') as Promise<{ client_id: string; scope: string }[]>,
      this.dataSource.query('SELECT name, description, entity_version FROM scopes') as Promise<{ name: string; description: string; entity_version: string }[]>,
      this.dataSource.query('SELECT grant_id, client_id, expires_at FROM revoked_grants WHERE expires_at IS NULL OR expires_at > now()') as Promise<
        { grant_id: string; client_id: string; expires_at: Date | null }[]
      >,
      this.dataSource.query('SELECT client_id, revoked_before FROM client_revocations') as Promise<{ client_id: string; revoked_before: Date }[]>,
      this.readState(this.dataSource.manager),
    ]);
    const scopesByClient = new Map<string, Set<string>>();
    for (const row of clientScopes) {
      const set = scopesByClient.get(row.client_id) ?? new Set<string>();
      set.add(row.scope);
      scopesByClient.set(row.client_id, set);
    }
    return {
      clients: clients.map((row) => toClient(row, scopesByClient.get(row.client_id) ?? new Set())),
      scopes: scopes.map((row) => ({ name: row.name, description: row.description, entityVersion: Number(row.entity_version) })),
      revokedGrants: revokedGrants.map((row) => ({ grantId: row.grant_id, clientId: row.client_id, expiresAt: row.expires_at })),
      clientRevocations: clientRevocations.map((row) => ({ clientId: row.client_id, revokedBefore: row.revoked_before })),
      state,
    };
  }

  /** One client as stored (a sibling worker committed a change to it); undefined when gone. */
  async loadClient(clientId: string): Promise<ProjectedClient | undefined> {
    const [clients, scopes] = await Promise.all([
      this.dataSource.query('SELECT * FROM clients WHERE client_id = $1', [clientId]) as Promise<ClientRow[]>,
      this.dataSource.query('SELECT scope FROM client_scopes WHERE client_id = $1', [clientId]) as Promise<{ scope: string }[]>,
    ]);
    return clients[0] && toClient(clients[0], new Set(scopes.map((row) => row.scope)));
  }

  /** One scope as stored; undefined when gone. */
  async loadScope(name: string): Promise<ScopeRecord | undefined> {
    const [row]: { name: string; description: string; entity_version: string }[] = await this.dataSource.query(
      'SELECT name, description, entity_version FROM scopes WHERE name = $1',
      [name],
    );
    return row && { name: row.name, description: row.description, entityVersion: Number(row.entity_version) };
  }

  /**
   * Runs `decide` and its change in one transaction together with last_applied_seq, the sync
   * state row locked so that two deliveries of the same event cannot both apply it.
   */
  async applyEvent(
    seq: number,
    entity: { table: 'clients' | 'scopes'; id: string },
    decide: (lastAppliedSeq: number, stored: StoredVersions) => RegistryChange | null | 'skip',
  ): Promise<RegistryChange | null | 'skip'> {
    return inTransaction(this.dataSource, async (manager) => {
      const [{ last_applied_seq }] = await manager.query('SELECT last_applied_seq FROM sync_state WHERE id = 1 FOR UPDATE');
      const change = decide(Number(last_applied_seq), await this.storedVersions(manager, entity));
      if (change === 'skip') return change;
      if (change) await this.write(manager, change);
      await manager.query('UPDATE sync_state SET last_applied_seq = GREATEST(last_applied_seq, $1), updated_at = now() WHERE id = 1', [seq]);
      return change;
    });
  }

  /** Replaces the projection with a snapshot; local `enabled` flags of clients still present are kept. */
  async replaceFromSnapshot(snapshot: RegistrySnapshot): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT 1 FROM sync_state WHERE id = 1 FOR UPDATE');
      const ids = snapshot.clients.map((client) => client.clientId);
      await manager.query('DELETE FROM clients WHERE NOT (client_id = ANY($1::text[]))', [ids]);
      await manager.query('DELETE FROM client_scopes');
      for (const client of snapshot.clients) {
        await this.upsertClient(manager, { ...client, entityVersion: Number(client.entityVersion) }, client.scopes);
        await manager.query('UPDATE clients SET scopes_version = 0 WHERE client_id = $1', [client.clientId]);
      }
      await manager.query('DELETE FROM scopes');
      for (const scope of snapshot.scopes) {
        await manager.query('INSERT INTO scopes (name, description, entity_version) VALUES ($1, $2, $3)', [
          scope.name,
          scope.description ?? '',
          scope.entityVersion,
        ]);
      }
      await manager.query('DELETE FROM revoked_grants');
      await manager.query('DELETE FROM client_revocations');
      for (const revocation of snapshot.revocations) {
        await this.write(manager, {
          kind: 'tokens.revoke',
          clientId: revocation.clientId,
          grantIds: revocation.grantIds ?? [],
          revokedBefore: revocation.revokedBefore ? new Date(revocation.revokedBefore) : null,
          expiresAt: revocation.expiresAt ? new Date(revocation.expiresAt) : null,
        });
      }
      await manager.query('UPDATE sync_state SET last_applied_seq = $1, snapshot_loaded_at = now(), updated_at = now() WHERE id = 1', [snapshot.seq]);
    });
  }

  /** false when the client is unknown. */
  /** The local switch, with `alongside` (the admin's audit row) in its transaction: both land or neither. */
  async setEnabled(clientId: string, enabled: boolean, alongside: SwitchAlongside = NOTHING): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows: unknown[] = await manager.query('UPDATE clients SET enabled = $2 WHERE client_id = $1 RETURNING client_id', [clientId, enabled]);
      if (rowCount(rows) === 0) return false;
      await alongside(txOf(manager));
      return true;
    });
  }

  /**
   * AUTH_SERVER_MODE=external: the switch of a client no event describes; the row holds the
   * client_id as its name and entity version 0 (nothing ever synced).
   */
  async setLocalSwitch(clientId: string, enabled: boolean, alongside: SwitchAlongside = NOTHING): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query(
        `INSERT INTO clients (client_id, name, version, type, active, enabled, entity_version) VALUES ($1, $1, '', 'confidential', true, $2, 0)
         ON CONFLICT (client_id) DO UPDATE SET enabled = EXCLUDED.enabled`,
        [clientId, enabled],
      );
      await alongside(txOf(manager));
    });
  }

  /**
   * Removes the revocations whose tokens have expired, in batches of `batchSize`, each its own
   * short statement (never one long delete holding the table's rows), oldest first on
   * revoked_grants_expires_idx; SKIP LOCKED lets replicas sharing the database purge side by side.
   * Resolves to how many went.
   */
  async purgeExpiredGrants(batchSize = PURGE_BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ removed }]: { removed: number }[] = await this.dataSource.query(
        `WITH removed AS (
           DELETE FROM revoked_grants WHERE grant_id = ANY(ARRAY(
             SELECT grant_id FROM revoked_grants WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED))
           RETURNING 1)
         SELECT count(*)::int AS removed FROM removed`,
        [batchSize],
      );
      total += removed;
      if (removed < batchSize) return total;
    }
  }

  private async storedVersions(manager: EntityManager, entity: { table: 'clients' | 'scopes'; id: string }): Promise<StoredVersions> {
    if (entity.table === 'scopes') {
      const rows: { entity_version: string }[] = await manager.query('SELECT entity_version FROM scopes WHERE name = $1 FOR UPDATE', [entity.id]);
      return { scope: rows[0] ? Number(rows[0].entity_version) : undefined };
    }
    const rows: { entity_version: string; scopes_version: string }[] = await manager.query(
      'SELECT entity_version, scopes_version FROM clients WHERE client_id = $1 FOR UPDATE',
      [entity.id],
    );
    return rows[0] ? { client: Number(rows[0].entity_version), clientScopes: Number(rows[0].scopes_version) } : {};
  }

  private async write(manager: EntityManager, change: RegistryChange): Promise<void> {
    switch (change.kind) {
      case 'client.upsert':
        return this.upsertClient(manager, change.client, change.scopes);
      case 'client.delete':
        await manager.query('DELETE FROM client_scopes WHERE client_id = $1', [change.clientId]);
        await manager.query('DELETE FROM clients WHERE client_id = $1', [change.clientId]);
        return;
      case 'client.scopes':
        await manager.query('UPDATE clients SET scopes_version = $2 WHERE client_id = $1', [change.clientId, change.scopesVersion]);
        return this.replaceClientScopes(manager, change.clientId, change.scopes);
      case 'scope.upsert':
        await manager.query(
          `INSERT INTO scopes (name, description, entity_version) VALUES ($1, $2, $3)
           ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, entity_version = EXCLUDED.entity_version`,
          [change.scope.name, change.scope.description, change.scope.entityVersion],
        );
        return;
      case 'scope.delete':
        await manager.query('DELETE FROM scopes WHERE name = $1', [change.name]);
        return;
      case 'tokens.revoke':
        for (const grantId of change.grantIds) {
          await manager.query('INSERT INTO revoked_grants (grant_id, client_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (grant_id) DO NOTHING', [
            grantId,
            change.clientId,
            change.expiresAt,
          ]);
        }
        if (change.revokedBefore) {
          await manager.query(
            `INSERT INTO client_revocations (client_id, revoked_before) VALUES ($1, $2)
             ON CONFLICT (client_id) DO UPDATE SET revoked_before = GREATEST(client_revocations.revoked_before, EXCLUDED.revoked_before)`,
            [change.clientId, change.revokedBefore],
          );
        }
        return;
    }
  }

  private async upsertClient(manager: EntityManager, client: Omit<ProjectedClient, 'enabled' | 'scopes' | 'scopesVersion'>, scopes: string[]): Promise<void> {
    // `enabled` is deliberately absent from the update: it is the operator's local decision.
    await manager.query(
      `INSERT INTO clients (client_id, name, version, type, active, entity_version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version, type = EXCLUDED.type,
         active = EXCLUDED.active, entity_version = EXCLUDED.entity_version`,
      [client.clientId, client.name, client.version, client.type, client.active, client.entityVersion],
    );
    await this.replaceClientScopes(manager, client.clientId, scopes);
  }

  private async replaceClientScopes(manager: EntityManager, clientId: string, scopes: string[]): Promise<void> {
    await manager.query('DELETE FROM client_scopes WHERE client_id = $1', [clientId]);
    if (scopes.length > 0) {
      await manager.query('INSERT INTO client_scopes (client_id, scope) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [clientId, scopes]);
    }
  }

  private async readState(manager: EntityManager): Promise<SyncState> {
    const [row] = await manager.query('SELECT last_applied_seq, snapshot_loaded_at, updated_at FROM sync_state WHERE id = 1');
    return { lastAppliedSeq: Number(row.last_applied_seq), snapshotLoadedAt: row.snapshot_loaded_at ?? null, updatedAt: row.updated_at };
  }
}

function toClient(row: ClientRow, scopes: Set<string>): ProjectedClient {
  return {
    clientId: row.client_id,
    name: row.name,
    version: row.version,
    type: row.type,
    active: row.active,
    enabled: row.enabled,
    entityVersion: Number(row.entity_version),
    scopesVersion: Number(row.scopes_version),
    scopes,
  };
}

/** UPDATE … RETURNING through TypeORM's postgres driver answers [rows, count]. */
function rowCount(result: unknown[]): number {
  if (Array.isArray(result[0])) return (result[0] as unknown[]).length;
  return result.length;
}
