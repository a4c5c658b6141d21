import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { isClientId, isDocumentClientId } from '#oauth';
import { decodeCursor, isCursorTimestamp, toPage, type Page } from '../common/pagination.js';
import { isUuid } from '../common/uuid.js';
import type { AssociatedScope } from './associated-scope.js';
import type { Client } from './client.js';
import type { ClientWithSecrets } from './client-with-secrets.js';
import { ClientEntity } from './client.entity.js';
import { toClient, toClientWithSecrets } from './client.mapper.js';

export type { ClientWithSecrets };

@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>) {}

  /** Pass the transaction to read inside it. */
  async findByClientId(clientId: string, tx?: Tx): Promise<ClientWithSecrets | null> {
    if (!isClientId(clientId) && !isDocumentClientId(clientId)) return null;
    const entity = await (tx ? entityManagerOf(tx).getRepository(ClientEntity) : this.clients).findOneBy({ clientId });
    if (!entity) return null;
    return toClientWithSecrets(entity);
  }

  /** Names of the scopes associated with the client, sorted; pass the transaction to read inside it. */
  async scopeNamesOf(clientRef: string, tx?: Tx): Promise<string[]> {
    const manager = tx ? entityManagerOf(tx) : this.clients.manager;
    const rows: { scope_name: string }[] = await manager.query('SELECT scope_name FROM client_scopes WHERE client_ref = $1 ORDER BY scope_name', [clientRef]);
    return rows.map((row) => row.scope_name);
  }

  /** The client's scopes with their required permissions, sorted by name. */
  async associatedScopesOf(clientRef: string): Promise<AssociatedScope[]> {
    const rows: { name: string; required_permission: string | null }[] = await this.clients.query(
      'SELECT s.name, s.required_permission FROM client_scopes cs JOIN scopes s ON s.name = cs.scope_name WHERE cs.client_ref = $1 ORDER BY s.name',
      [clientRef],
    );
    return rows.map((row) => ({ name: row.name, requiredPermission: row.required_permission }));
  }

  /** Scope names of several clients in one query (list pages), keyed by client row id. */
  async scopeNamesByClient(clientRefs: string[]): Promise<Map<string, string[]>> {
    const byClient = new Map<string, string[]>(clientRefs.map((ref) => [ref, []]));
    if (clientRefs.length === 0) return byClient;
    const rows: { client_ref: string; scope_name: string }[] = await this.clients.query(
      'SELECT client_ref, scope_name FROM client_scopes WHERE client_ref = ANY($1::uuid[]) ORDER BY scope_name',
      [clientRefs],
    );
    for (const row of rows) byClient.get(row.client_ref)?.push(row.scope_name);
    return byClient;
  }

  /** Oldest first, keyset-paginated on (created_at, id) at microsecond precision. */
  async list(filter: ClientFilter, limit: number, cursor?: string): Promise<Page<Client>> {
    const query = this.clients.createQueryBuilder('client').addSelect(CREATED_KEY, 'created_key').orderBy('client.createdAt').addOrderBy('client.id').limit(limit + 1);
    if (filter.name) query.andWhere("client.name ILIKE :name ESCAPE '\\'", { name: `%${escapeLike(filter.name)}%` });
    if (filter.active !== undefined) query.andWhere('client.active = :active', { active: filter.active });
    if (filter.scope) query.andWhere('EXISTS (SELECT 1 FROM client_scopes cs WHERE cs.client_ref = client.id AND cs.scope_name = :scope)', { scope: filter.scope });
    const after = decodeClientCursor(cursor);
    if (after) query.andWhere("(client.created_at, client.id) > (CAST(:created AS timestamp) AT TIME ZONE 'UTC', CAST(:id AS uuid))", after);
    const { entities, raw } = await query.getRawAndEntities<{ created_key: string }>();
    const keys = new Map(entities.map((entity, index) => [entity.id, raw[index].created_key]));
    const page = toPage(entities, limit, (last) => ({ created: keys.get(last.id) ?? '', id: last.id }));
    return { items: page.items.map(toClient), nextCursor: page.nextCursor };
  }
}

export interface ClientFilter {
  name?: string;
  active?: boolean;
  /** Only clients associated with this scope. */
  scope?: string;
}

const CREATED_KEY = `to_char(client.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function decodeClientCursor(cursor: string | undefined): { created: string; id: string } | undefined {
  return decodeCursor(cursor, { created: isCursorTimestamp, id: isUuid });
}
