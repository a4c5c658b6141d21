import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEFAULT_SYNC_STREAM } from '#sync';
import { buildApps, untilOk, type BuiltAppProcess } from '#testing/built-app-process';
import { createTestDatabase, eventually, redisServerAvailable, TestRedis, type TestDatabase } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk } from '../../apps/auth-server/test/support/test-clients.js';
import { startBuiltResourceServer } from '../../apps/resource-server/test/support/built-resource-server.js';

/**
 * SIGTERM to the built resource server while its consumer is in the middle of applying an event:
 * the event must be committed and acked before the database pool closes, and the process must
 * exit 0. The test holds the row lock the apply transaction needs (sync_state), so the consumer
 * is provably mid-event when the signal arrives, and lets go only after it.
 */
/** Only a guard against a process that never exits: how fast it exits is not this test's business. */
const EXIT_BOUND_MS = 60_000;
const runnable = Boolean(process.env.TEST_DATABASE_URL) && redisServerAvailable();

(runnable ? describe : describe.skip)('graceful shutdown of the resource server process on SIGTERM', () => {
  let redis: TestRedis;
  let as: RunningAuthServer;
  let database: TestDatabase;
  let server: BuiltAppProcess;

  beforeAll(async () => {
    await buildApps();
    // A Redis of its own: the built app reads the default stream name, which must not be shared.
    redis = await TestRedis.start();
    as = await startStackAuthServer({ redisUrl: redis.url });
    database = await createTestDatabase();
    let baseUrl: string;
    ({ server, baseUrl } = await startBuiltResourceServer({ issuer: as.baseUrl, databaseUrl: database.url, redisUrl: redis.url }, { LOG_LEVEL: 'log' }));
    await untilOk(`${baseUrl}/health/ready`, server);
  }, 180_000);

  afterAll(async () => {
    server?.kill();
    await as?.close();
    await database?.drop();
    await redis?.stop();
  });

  it('finishes and acks the event it is applying, then exits 0', async () => {
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await reader.connect();
    try {
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM sync_state WHERE id = 1 FOR UPDATE');
      await adminOk(as, 'POST', '/admin/v1/scopes', { name: 'applied.during.shutdown', description: '' });
      // The consumer's apply transaction is now waiting for our lock: mid-event.
      await eventually(async () => (await waitingForLock(db)) > 0, 10_000, 'the consumer to wait for the sync_state lock');

      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(server.child.exitCode).toBeNull(); // still finishing the event
      await db.query('COMMIT');

      const exit = await Promise.race([server.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), EXIT_BOUND_MS))]);
      expect(exit).toMatchObject({ code: 0, signal: null });

      const [{ n }] = (await db.query<{ n: string }>("SELECT count(*) AS n FROM scopes WHERE name = 'applied.during.shutdown'")).rows;
      expect(Number(n)).toBe(1);
      const [{ seq }] = (await db.query<{ seq: string }>('SELECT last_applied_seq AS seq FROM sync_state WHERE id = 1')).rows;
      expect(Number(seq)).toBeGreaterThan(0);
      // Acked after its commit: nothing is left pending in the instance's consumer group.
      const groups = (await reader.xinfo('GROUPS', DEFAULT_SYNC_STREAM)) as unknown[][];
      expect(groups).toHaveLength(1);
      const fields = groups[0] as (string | number)[];
      expect(Number(fields[fields.indexOf('pending') + 1])).toBe(0);
      expect(server.output()).not.toMatch(/failed, will retry|Connection terminated/);
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.end();
      reader.disconnect();
    }
  }, 60_000);
});

async function waitingForLock(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
  );
  return Number(rows[0].n);
}
