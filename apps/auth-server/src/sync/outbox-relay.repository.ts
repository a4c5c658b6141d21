import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { SyncEnvelope, SyncEventKind } from '#sync';

/** Any constant other than the outbox writers' key: it names the "one relay at a time" lock. */
const RELAY_LOCK_KEY = 724_310_002;

interface OutboxRow {
  seq: string;
  kind: SyncEventKind;
  entity_id: string;
  entity_version: string;
  payload: SyncEnvelope['payload'];
  created_at: Date;
}

/** What the relay can do with the batch it holds the lock for. */
export interface RelayBatch {
  envelopes: SyncEnvelope[];
  markPublished(seqs: number[]): Promise<void>;
}

/**
 * The relay's view of outbox_events. Each batch runs in one transaction holding a
 * transaction-scoped advisory lock, so two auth-server instances never relay at once (which
 * could publish one event twice or out of order); the lock goes away with the transaction.
 */
@Injectable()
export class OutboxRelayRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` on the oldest unpublished rows; false when another relay holds the lock. */
  async withBatch(limit: number, work: (batch: RelayBatch) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }]: { locked: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!locked) return false;
      const rows: OutboxRow[] = await manager.query(
        'SELECT seq, kind, entity_id, entity_version, payload, created_at FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1',
        [limit],
      );
      const envelopes = rows.length ? toEnvelopes(rows, await previousSeq(manager, Number(rows[0].seq))) : [];
      await work({ envelopes, markPublished: (seqs) => markPublished(manager, seqs) });
      return true;
    });
  }
}

/** The seq just below `seq` that exists (seqs of rolled-back transactions never do). */
async function previousSeq(manager: EntityManager, seq: number): Promise<number> {
  const [{ prev }]: { prev: string | null }[] = await manager.query('SELECT max(seq) AS prev FROM outbox_events WHERE seq < $1', [seq]);
  return prev === null ? 0 : Number(prev);
}

async function markPublished(manager: EntityManager, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await manager.query('UPDATE outbox_events SET published_at = now() WHERE seq = ANY($1::bigint[])', [seqs]);
}

function toEnvelopes(rows: OutboxRow[], firstPrev: number): SyncEnvelope[] {
  let prevSeq = firstPrev;
  return rows.map((row) => {
    const seq = Number(row.seq);
    const envelope: SyncEnvelope = {
      seq,
      prevSeq,
      kind: row.kind,
      entityId: row.entity_id,
      entityVersion: Number(row.entity_version),
      occurredAt: new Date(row.created_at).toISOString(),
      payload: row.payload,
    };
    prevSeq = seq;
    return envelope;
  });
}
