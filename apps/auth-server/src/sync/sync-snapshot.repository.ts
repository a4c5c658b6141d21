import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SYNC_SCHEMA_VERSION, type ClientSnapshot, type RegistrySnapshot, type ScopeSnapshot, type TokensRevoked } from '#sync';

/**
 * Reads the whole registry in one REPEATABLE READ transaction, so the snapshot and its seq come
 * from one consistent point in time: every event up to `seq` is reflected, none after it.
 */
@Injectable()
export class SyncSnapshotRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(): Promise<RegistrySnapshot> {
    await pruneRevocationRecords(this.dataSource.manager);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => ({
      schemaVersion: SYNC_SCHEMA_VERSION,
      seq: await lastSeq(manager),
      clients: await clients(manager),
      scopes: await scopes(manager),
      revocations: await revocations(manager),
    }));
  }
}

async function lastSeq(manager: EntityManager): Promise<number> {
  const [{ seq }]: { seq: string }[] = await manager.query('SELECT COALESCE(max(seq), 0) AS seq FROM outbox_events');
  return Number(seq);
}

async function clients(manager: EntityManager): Promise<ClientSnapshot[]> {
  const rows: { client_id: string; name: string; version: string; type: ClientSnapshot['type']; active: boolean; entity_version: string; scopes: string[] }[] =
    await manager.query(`
    SELECT c.client_id, c.name, c.version, c.type, c.active, c.entity_version,
           COALESCE(array_agg(cs.scope_name ORDER BY cs.scope_name) FILTER (WHERE cs.scope_name IS NOT NULL), '{}') AS scopes
    FROM clients c LEFT JOIN client_scopes cs ON cs.client_ref = c.id
    GROUP BY c.id ORDER BY c.client_id`);
  return rows.map((row) => ({
    clientId: row.client_id,
    name: row.name,
    version: row.version,
    type: row.type,
    active: row.active,
    scopes: row.scopes,
    entityVersion: Number(row.entity_version),
  }));
}

async function scopes(manager: EntityManager): Promise<ScopeSnapshot[]> {
  const rows: { name: string; description: string; required_permission: string | null; entity_version: string }[] = await manager.query(
    'SELECT name, description, required_permission, entity_version FROM scopes ORDER BY name',
  );
  return rows.map((row) => ({ name: row.name, description: row.description, requiredPermission: row.required_permission, entityVersion: Number(row.entity_version) }));
}

/**
 * Revoked grants whose access token may still be accepted somewhere (not yet expired): live grant
 * rows, and the records of grants deleted with their user or client (grant_revocation_records).
 */
async function revocations(manager: EntityManager): Promise<TokensRevoked[]> {
  const rows: { client_id: string; grant_ids: string[]; expires_at: Date | null }[] = await manager.query(`
    WITH revoked AS (
      SELECT client_id, id AS grant_id, access_expires_at AS expires_at FROM grants
      WHERE revoked_at IS NOT NULL AND (access_expires_at IS NULL OR access_expires_at > now())
      UNION ALL
      SELECT client_id, grant_id, expires_at FROM grant_revocation_records
      WHERE expires_at IS NULL OR expires_at > now())
    SELECT client_id, array_agg(grant_id::text ORDER BY grant_id) AS grant_ids,
           CASE WHEN bool_or(expires_at IS NULL) THEN NULL ELSE max(expires_at) END AS expires_at
    FROM revoked GROUP BY client_id ORDER BY client_id`);
  return rows.map((row) => ({
    clientId: row.client_id,
    grantIds: row.grant_ids,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  }));
}

/** Rows pruned per snapshot: a bounded statement; what is left goes with the next snapshot. */
const PRUNE_BATCH = 10_000;

/**
 * Drops the records no token can need any more: a timed one once its access token expired; a
 * "never" one once every access-token (ES256) signing key activated before its revocation has left
 * the JWKS (a token of that grant no longer verifies anywhere). With a key kept forever ("never"
 * clients keep retired keys published) the record is kept too (README, Tokens).
 */
async function pruneRevocationRecords(manager: EntityManager): Promise<void> {
  await manager.query(
    `DELETE FROM grant_revocation_records WHERE grant_id IN (
       SELECT r.grant_id FROM grant_revocation_records r
       WHERE (r.expires_at IS NOT NULL AND r.expires_at <= now())
          OR (r.expires_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM signing_keys k
                WHERE k.alg = 'ES256' AND k.activated_at <= r.revoked_at AND (k.expires_at IS NULL OR k.expires_at > now())))
       LIMIT $1)`,
    [PRUNE_BATCH],
  );
}
