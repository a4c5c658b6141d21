import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import type { SyncEventKind } from '#sync';

/** Any constant: it names the lock that orders outbox writers. */
const OUTBOX_LOCK_KEY = 724_310_001;

/** The backlog the relay has not published yet. */
export interface OutboxBacklog {
  events: number;
  oldestAgeSeconds: number;
}

/**
 * The writers' side of outbox_events (the relay reads it through OutboxRelayRepository). Query
 * runners whose transaction appended an event are remembered until that transaction ends, so that
 * `onEventsCommitted` listeners hear of it right after the commit, whoever opened the transaction.
 */
@Injectable()
export class OutboxEventsRepository implements EntitySubscriberInterface {
  private readonly transactionsWithEvents = new WeakSet<QueryRunner>();
  private readonly committedListeners: (() => void)[] = [];

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /**
   * Appends in the caller's transaction. The transaction-scoped advisory lock makes writers
   * commit in seq order, so a relay never sees seq N+1 before seq N.
   */
  async append(tx: Tx, kind: SyncEventKind, entityId: string, entityVersion: number, payload: unknown): Promise<void> {
    const manager = entityManagerOf(tx);
    if (!manager.queryRunner?.isTransactionActive) throw new Error('OutboxWriter.append must run inside a transaction');
    await manager.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK_KEY]);
    await manager.query('INSERT INTO outbox_events (kind, entity_id, entity_version, payload) VALUES ($1, $2, $3, $4)', [
      kind,
      entityId,
      entityVersion,
      JSON.stringify(payload),
    ]);
    this.transactionsWithEvents.add(manager.queryRunner);
  }

  /** `listener` runs right after each transaction of this process that appended an event commits. */
  onEventsCommitted(listener: () => void): void {
    this.committedListeners.push(listener);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!this.transactionsWithEvents.delete(event.queryRunner)) return;
    for (const listener of this.committedListeners) listener();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.transactionsWithEvents.delete(event.queryRunner);
  }

  /**
   * The newest seq (as text; null for an empty outbox): it only moves when a writer committed.
   * One parameterless query (simple protocol, safe on the embedded PGlite socket).
   */
  async latestSeq(): Promise<string | null> {
    const rows: { seq: string | null }[] = await this.dataSource.query('SELECT max(seq)::text AS seq FROM outbox_events');
    return rows[0]?.seq ?? null;
  }

  /** Uses the partial index on unpublished rows: cheap however large the published history grows. */
  async backlog(): Promise<OutboxBacklog> {
    const [row]: { backlog: string; age: string | null }[] = await this.dataSource.query(
      'SELECT count(*) AS backlog, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM outbox_events WHERE published_at IS NULL',
    );
    return { events: Number(row.backlog), oldestAgeSeconds: row.age === null ? 0 : Math.max(0, Number(row.age)) };
  }
}
