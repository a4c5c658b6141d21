import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { isScopeName } from '#oauth';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import type { Scope, ScopeChanges } from './scope.js';
import { ScopeEntity } from './scope.entity.js';

/** Scopes and client↔scope associations. Writes take the caller's transaction (outbox). */
@Injectable()
export class ScopesRepository {
  constructor(@InjectRepository(ScopeEntity) private readonly scopes: Repository<ScopeEntity>) {}

  async find(name: string): Promise<Scope | null> {
    if (!isScopeName(name)) return null;
    const entity = await this.scopes.findOneBy({ name });
    return entity ? toScope(entity) : null;
  }

  /** Sorted by name; a page of all scopes, or of the scopes associated with one client. */
  async list(limit: number, cursor?: string, clientRef?: string): Promise<Page<Scope>> {
    const query = this.scopes.createQueryBuilder('scope').orderBy('scope.name', 'ASC').limit(limit + 1);
    const after = decodeCursor(cursor, { name: isScopeName });
    if (after) query.andWhere('scope.name > :after', { after: after.name });
    if (clientRef) query.andWhere('EXISTS (SELECT 1 FROM client_scopes cs WHERE cs.scope_name = scope.name AND cs.client_ref = :clientRef)', { clientRef });
    const page = toPage(await query.getMany(), limit, (last) => ({ name: last.name }));
    return { items: page.items.map(toScope), nextCursor: page.nextCursor };
  }

  async insert(tx: Tx, name: string, description: string, requiredPermission: string | null = null): Promise<Scope> {
    const manager = entityManagerOf(tx);
    await manager.insert(ScopeEntity, { name, description, requiredPermission });
    return toScope(await manager.findOneByOrFail(ScopeEntity, { name }));
  }

  /** Locks the scope until the transaction ends. */
  async lock(tx: Tx, name: string, mode: 'update' | 'share'): Promise<Scope | null> {
    if (!isScopeName(name)) return null;
    const entity = await entityManagerOf(tx)
      .createQueryBuilder(ScopeEntity, 'scope')
      .setLock(mode === 'update' ? 'pessimistic_write' : 'pessimistic_read')
      .where('scope.name = :name', { name })
      .getOne();
    return entity ? toScope(entity) : null;
  }

  async update(tx: Tx, name: string, changes: ScopeChanges): Promise<Scope> {
    const manager = entityManagerOf(tx);
    await manager
      .createQueryBuilder()
      .update(ScopeEntity)
      .set({ ...changes, entityVersion: () => 'entity_version + 1', updatedAt: () => 'now()' })
      .where('name = :name', { name })
      .execute();
    return toScope(await manager.findOneByOrFail(ScopeEntity, { name }));
  }

  /** Deletes the scope and (ON DELETE CASCADE) its associations. */
  async delete(tx: Tx, name: string): Promise<void> {
    await entityManagerOf(tx).delete(ScopeEntity, { name });
  }

  /** Row ids of the clients associated with the scope, in a stable order (lock ordering). */
  async clientRefsOf(tx: Tx, name: string): Promise<string[]> {
    const rows: { client_ref: string }[] = await entityManagerOf(tx).query('SELECT client_ref FROM client_scopes WHERE scope_name = $1 ORDER BY client_ref', [name]);
    return rows.map((row) => row.client_ref);
  }

  /** true when the association is new (PUT is idempotent: an existing one changes nothing). */
  async associate(tx: Tx, clientRef: string, name: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING scope_name', [clientRef, name]);
    return rows.length > 0;
  }

  /** true when an association was removed. */
  async disassociate(tx: Tx, clientRef: string, name: string): Promise<boolean> {
    // TypeORM answers [rows, affectedCount] for a DELETE.
    const [, affected]: [unknown[], number] = await entityManagerOf(tx).query('DELETE FROM client_scopes WHERE client_ref = $1 AND scope_name = $2', [clientRef, name]);
    return affected > 0;
  }
}

function toScope(entity: ScopeEntity): Scope {
  return { name: entity.name, description: entity.description, requiredPermission: entity.requiredPermission, entityVersion: Number(entity.entityVersion), createdAt: entity.createdAt, updatedAt: entity.updatedAt };
}
