import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SyncEventKind, SyncEventPayloads } from '#sync';

/**
 * Query runners whose transaction appended an event: RegistryCommitListener empties this
 * instance's registry caches right after such a transaction commits.
 */
export const TRANSACTIONS_WITH_EVENTS = new WeakSet<object>();

/** Any constant: it names the lock that orders outbox writers. */
const OUTBOX_LOCK_KEY = 724_310_001;

/**
 * Appends an event to the outbox inside the caller's transaction (transactional outbox), so the
 * event exists if and only if the change committed. The transaction-scoped advisory lock makes
 * writers commit in seq order, so a relay never sees seq N+1 before seq N.
 */
@Injectable()
export class OutboxWriter {
  async append<K extends SyncEventKind>(manager: EntityManager, kind: K, entityId: string, entityVersion: number, payload: SyncEventPayloads[K]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('OutboxWriter.append must run inside a transaction');
    await manager.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK_KEY]);
    await manager.query('INSERT INTO outbox_events (kind, entity_id, entity_version, payload) VALUES ($1, $2, $3, $4)', [kind, entityId, entityVersion, JSON.stringify(payload)]);
    TRANSACTIONS_WITH_EVENTS.add(manager.queryRunner);
  }
}
