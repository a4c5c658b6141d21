import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import type { SyncEnvelope, SyncEventKind } from '#sync';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';

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
  /** Marks every published row above `seq` unpublished again; resolves to how many. */
  republishAfter(seq: number): Promise<number>;
}

/**
 * Relays holding the lock in this process, by database. PGlite serves every connection on one
 * session, where a session-level advisory lock is granted again to whoever asks: this set is what
 * keeps two relays of one process (the launcher, scale-out tests) apart there.
 */
const heldInProcess = new Set<string>();

/**
 * The relay's view of outbox_events. One relay at a time (several auth-server instances each run
 * one) holds an advisory lock on a connection of its own for the whole batch, so no other relay
 * publishes an event twice or out of order meanwhile. The read and the marking are single statements.
 *
 * Session mode: a session-level lock, and that connection is never in a transaction while the
 * relay waits for Redis: a hung Redis must not hold rows or, on PGlite (one session for all),
 * every other query. Transaction mode (DATABASE_POOL_MODE=transaction): a session-level lock
 * would stay with whichever server connection took it, so the batch runs in one transaction
 * holding a transaction-scoped lock; it locks no rows until the marking, right before its commit.
 */
@Injectable()
export class OutboxRelayRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: Pick<AuthServerConfig, 'databasePoolMode'>,
  ) {}

  /** Runs `work` on the oldest unpublished rows; false when another relay holds the lock. */
  async withBatch(limit: number, work: (batch: RelayBatch) => Promise<void>): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const connection: HeldConnection = { runner };
    try {
      const hold = this.config.databasePoolMode === 'transaction' ? holdInTransaction : holdOnSession;
      return await hold(connection, () => this.batchOnce(runner, limit, work));
    } finally {
      await releaseOrDestroy(runner, connection.broken);
    }
  }

  /** Under the lock: false when another relay of this process holds it (PGlite, see heldInProcess). */
  private async batchOnce(runner: QueryRunner, limit: number, work: (batch: RelayBatch) => Promise<void>): Promise<boolean> {
    const database = databaseKey(this.dataSource);
    if (heldInProcess.has(database)) return false;
    heldInProcess.add(database);
    try {
      const rows: OutboxRow[] = await runner.query(
        'SELECT seq, kind, entity_id, entity_version, payload, created_at FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT $1',
        [limit],
      );
      const envelopes = rows.length ? toEnvelopes(rows, await previousSeq(runner, Number(rows[0].seq))) : [];
      await work({ envelopes, markPublished: (seqs) => markPublished(runner, seqs), republishAfter: (seq) => republishAfter(runner, seq) });
      return true;
    } finally {
      heldInProcess.delete(database);
    }
  }
}

interface HeldConnection {
  runner: QueryRunner;
  /** Why the connection must not go back to the pool (it may still hold the lock). */
  broken?: unknown;
}

async function holdOnSession(connection: HeldConnection, locked: () => Promise<boolean>): Promise<boolean> {
  const [{ locked: acquired }]: { locked: boolean }[] = await connection.runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY]);
  if (!acquired) return false;
  try {
    return await locked();
  } finally {
    // The lock belongs to the connection: one that cannot say unlock must not go back to the pool.
    await connection.runner.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]).catch((error: unknown) => (connection.broken = error));
  }
}

async function holdInTransaction(connection: HeldConnection, locked: () => Promise<boolean>): Promise<boolean> {
  const { runner } = connection;
  await runner.startTransaction();
  try {
    const [{ locked: acquired }]: { locked: boolean }[] = await runner.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
    const ran = acquired && (await locked());
    await runner.commitTransaction();
    return ran;
  } catch (error) {
    // Rows marked in a batch that failed are sent again by the next one (at least once, by seq).
    await runner.rollbackTransaction().catch((rollbackError: unknown) => (connection.broken = rollbackError));
    throw error;
  }
}

/** Two data sources on one database (several instances in one process) share the same key. */
function databaseKey(dataSource: DataSource): string {
  const { url, host, port, database } = dataSource.options as { url?: string; host?: string; port?: number; database?: string };
  return url ?? `${host}:${port}/${database}`;
}

async function releaseOrDestroy(runner: QueryRunner, broken: unknown): Promise<void> {
  if (broken) await (runner as QueryRunner & { releasePostgresConnection(err: unknown): Promise<void> }).releasePostgresConnection(broken);
  else await runner.release();
}

/** The seq just below `seq` that exists (seqs of rolled-back transactions never do). */
async function previousSeq(runner: QueryRunner, seq: number): Promise<number> {
  const [{ prev }]: { prev: string | null }[] = await runner.query('SELECT max(seq) AS prev FROM outbox_events WHERE seq < $1', [seq]);
  return prev === null ? 0 : Number(prev);
}

async function markPublished(runner: QueryRunner, seqs: number[]): Promise<void> {
  if (seqs.length === 0) return;
  await runner.query('UPDATE outbox_events SET published_at = now() WHERE seq = ANY($1::bigint[])', [seqs]);
}

async function republishAfter(runner: QueryRunner, seq: number): Promise<number> {
  // A SELECT around the UPDATE: TypeORM answers a bare UPDATE with [rows, count], not the rows.
  const [{ n }]: { n: number }[] = await runner.query(
    'WITH unmarked AS (UPDATE outbox_events SET published_at = NULL WHERE seq > $1 AND published_at IS NOT NULL RETURNING 1) SELECT count(*)::int AS n FROM unmarked',
    [seq],
  );
  return n;
}

function toEnvelopes(rows: OutboxRow[], firstPrev: number): SyncEnvelope[] {
  let prevSeq = firstPrev;
  return rows.map((row) => {
    const seq = Number(row.seq);
    // OutboxWriter.append stored the row's kind with that kind's payload: the pair is an envelope.
    const envelope = {
      seq,
      prevSeq,
      kind: row.kind,
      entityId: row.entity_id,
      entityVersion: Number(row.entity_version),
      occurredAt: new Date(row.created_at).toISOString(),
      payload: row.payload,
    } as SyncEnvelope;
    prevSeq = seq;
    return envelope;
  });
}
