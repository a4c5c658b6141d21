import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { isClientId, isResourceIndicator } from '#oauth';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import { isUuid } from '../common/uuid.js';
import type { Resource, ResourceFields } from './resource.js';

interface ResourceRow {
  id: string;
  identifier: string;
  name: string;
  access_token_lifetime_seconds: number | null;
  client_id: string | null;
  scopes: string[] | null;
  created_at: Date;
  updated_at: Date;
}

/** A resource with its client id and its scopes (sorted), in one row. */
const SELECT_RESOURCES = `SELECT r.id, r.identifier, r.name, r.access_token_lifetime_seconds, c.client_id, r.created_at, r.updated_at,
    (SELECT coalesce(jsonb_agg(rs.scope_name ORDER BY rs.scope_name), '[]'::jsonb) FROM resource_scopes rs WHERE rs.resource_id = r.id) AS scopes
  FROM resources r LEFT JOIN clients c ON c.id = r.client_ref`;

/** Resources and the scopes they own. Writes take the caller's transaction and move the catalogue version. */
@Injectable()
export class ResourcesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(id: string): Promise<Resource | null> {
    if (!isUuid(id)) return null;
    const rows: ResourceRow[] = await this.dataSource.query(`${SELECT_RESOURCES} WHERE r.id = $1`, [id]);
    return rows[0] ? toResource(rows[0]) : null;
  }

  /** Sorted by identifier. */
  async list(limit: number, cursor?: string): Promise<Page<Resource>> {
    const after = decodeCursor(cursor, { identifier: isResourceIndicator });
    const rows: ResourceRow[] = after
      ? await this.dataSource.query(`${SELECT_RESOURCES} WHERE r.identifier > $1 ORDER BY r.identifier LIMIT $2`, [after.identifier, limit + 1])
      : await this.dataSource.query(`${SELECT_RESOURCES} ORDER BY r.identifier LIMIT $1`, [limit + 1]);
    const page = toPage(rows, limit, (last) => ({ identifier: last.identifier }));
    return { items: page.items.map(toResource), nextCursor: page.nextCursor };
  }

  /** Every resource, by identifier: the in-memory catalogue's load (a handful of rows in practice), or the registry export's in its transaction. */
  async all(tx?: Tx): Promise<Resource[]> {
    const rows: ResourceRow[] = await (tx ? entityManagerOf(tx) : this.dataSource).query(`${SELECT_RESOURCES} ORDER BY r.identifier`);
    return rows.map(toResource);
  }

  /** The catalogue's version: moves with every resource change (one row, no parameters: a cheap poll). */
  async catalogVersion(): Promise<string> {
    const rows: { version: string }[] = await this.dataSource.query('SELECT version::text AS version FROM resource_catalog_version');
    return rows[0]?.version ?? '0';
  }

  /** Locks the resource until the transaction ends. */
  async lock(tx: Tx, id: string): Promise<Resource | null> {
    if (!isUuid(id)) return null;
    const manager = entityManagerOf(tx);
    const locked: unknown[] = await manager.query('SELECT id FROM resources WHERE id = $1 FOR UPDATE', [id]);
    if (locked.length === 0) return null;
    const rows: ResourceRow[] = await manager.query(`${SELECT_RESOURCES} WHERE r.id = $1`, [id]);
    return toResource(rows[0]);
  }

  async findByIdentifier(tx: Tx, identifier: string): Promise<{ id: string } | null> {
    const rows: { id: string }[] = await entityManagerOf(tx).query('SELECT id FROM resources WHERE identifier = $1', [identifier]);
    return rows[0] ?? null;
  }

  /** The scopes among `names` that exist, locked against deletion until the transaction ends. */
  async existingScopes(tx: Tx, names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows: { name: string }[] = await entityManagerOf(tx).query('SELECT name FROM scopes WHERE name = ANY($1::text[]) FOR SHARE', [names]);
    return new Set(rows.map((row) => row.name));
  }

  /** The row id of a client, locked against deletion until the transaction ends; null when unknown. */
  async clientRefOf(tx: Tx, clientId: string): Promise<string | null> {
    if (!isClientId(clientId)) return null;
    const rows: { id: string }[] = await entityManagerOf(tx).query('SELECT id FROM clients WHERE client_id = $1 FOR SHARE', [clientId]);
    return rows[0]?.id ?? null;
  }

  async insert(tx: Tx, fields: ResourceFields, clientRef: string | null): Promise<string> {
    const manager = entityManagerOf(tx);
    const rows: { id: string }[] = await manager.query(
      'INSERT INTO resources (identifier, name, access_token_lifetime_seconds, client_ref) VALUES ($1, $2, $3, $4) RETURNING id',
      [fields.identifier, fields.name, fields.accessTokenLifetimeSeconds, clientRef],
    );
    await this.setScopes(tx, rows[0].id, fields.scopes);
    await this.bumpVersion(tx);
    return rows[0].id;
  }

  async update(tx: Tx, id: string, fields: ResourceFields, clientRef: string | null): Promise<void> {
    await entityManagerOf(tx).query(
      'UPDATE resources SET identifier = $2, name = $3, access_token_lifetime_seconds = $4, client_ref = $5, updated_at = now() WHERE id = $1',
      [id, fields.identifier, fields.name, fields.accessTokenLifetimeSeconds, clientRef],
    );
    await this.setScopes(tx, id, fields.scopes);
    await this.bumpVersion(tx);
  }

  /** Deletes the resource and (ON DELETE CASCADE) its scope ownerships. */
  async delete(tx: Tx, id: string): Promise<void> {
    await entityManagerOf(tx).query('DELETE FROM resources WHERE id = $1', [id]);
    await this.bumpVersion(tx);
  }

  async readInTx(tx: Tx, id: string): Promise<Resource> {
    const rows: ResourceRow[] = await entityManagerOf(tx).query(`${SELECT_RESOURCES} WHERE r.id = $1`, [id]);
    return toResource(rows[0]);
  }

  /** Claims a once-per-installation default (first_start_seeds); true only for the first caller ever. */
  async claimSeed(tx: Tx, name: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('INSERT INTO first_start_seeds (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name', [name]);
    return rows.length > 0;
  }

  private async setScopes(tx: Tx, id: string, scopes: string[]): Promise<void> {
    const manager = entityManagerOf(tx);
    await manager.query('DELETE FROM resource_scopes WHERE resource_id = $1', [id]);
    if (scopes.length > 0) await manager.query('INSERT INTO resource_scopes (resource_id, scope_name) SELECT $1, unnest($2::text[])', [id, scopes]);
  }

  private async bumpVersion(tx: Tx): Promise<void> {
    await entityManagerOf(tx).query('UPDATE resource_catalog_version SET version = version + 1');
  }
}

function toResource(row: ResourceRow): Resource {
  return {
    id: row.id,
    identifier: row.identifier,
    name: row.name,
    scopes: row.scopes ?? [],
    accessTokenLifetimeSeconds: row.access_token_lifetime_seconds,
    clientId: row.client_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
