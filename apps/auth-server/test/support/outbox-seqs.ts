import { eventually } from '#testing';
import type { RunningAuthServer } from './auth-server-harness.js';
import { sql } from './token-fixtures.js';

/** The seq of the newest outbox event, 0 when none. */
export async function lastOutboxSeq(server: RunningAuthServer): Promise<number> {
  const [row] = await sql<{ seq: string | null }>(server, 'SELECT max(seq) AS seq FROM outbox_events');
  return Number(row.seq ?? 0);
}

/**
 * The seq of the newest outbox event once the relay has published every event: the admin API
 * answers before the relay's next pass, so a test that waits for a change to reach the resource
 * servers first waits for this seq.
 */
export async function publishedOutboxSeq(server: RunningAuthServer, timeoutMs = 20_000): Promise<number> {
  await eventually(
    async () => (await sql<{ n: number }>(server, 'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL'))[0].n === 0,
    timeoutMs,
    'the relay to publish the outbox',
  );
  return lastOutboxSeq(server);
}
