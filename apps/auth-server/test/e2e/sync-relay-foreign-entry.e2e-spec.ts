import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { CapturedLogLines } from '#testing';
import { ForeignStreamEntryError, RedisStreamPublisher, SyncEvents, type SyncEnvelope } from '#sync';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { eventually, insertOutboxRow, RESOURCE_CLIENT, sqlClient, unpublishedCount } from '../support/sync-helpers.js';

jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Redis refuses an id "equal or smaller than the target stream top item". That is "already
 * published" only when the entry at our id is this very event; a foreign entry with a higher
 * (e.g. time-based) id must block the relay loudly, never make it drop events (issue 12, item 3).
 */
describe('outbox relay with a foreign entry above its ids in the stream', () => {
  const stream = `test:sync-foreign:${randomUUID()}`;
  const logs = new CapturedLogLines();
  let server: RunningAuthServer;
  let db: pg.Client;
  let redis: Redis;

  const conflictGauge = async () => Number((await (await server.request('/metrics')).text()).match(/^outbox_relay_stream_conflict (\d+)/m)?.[1]);

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    // Someone else's entry, with an auto (millisecond-time) id far above any outbox seq.
    await redis.xadd(stream, '*', 'hello', 'from another writer');
    server = await startTestAuthServer({ redisUrl: REDIS_URL, syncStream: stream, logDestination: logs }, RESOURCE_CLIENT);
    db = await sqlClient(server.database.url);
  });
  afterAll(async () => {
    await redis.del(stream);
    redis.disconnect();
    await db.end();
    await server.close();
  });

  it('never marks an event published that is not in the stream, and raises the alert', async () => {
    await insertOutboxRow(db, 'blocked-scope');
    await eventually(async () => (await conflictGauge()) === 1);
    // Several relay rounds later, still nothing marked and nothing of ours in the stream.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rows = await db.query('SELECT count(*)::int AS n FROM outbox_events');
    expect(await unpublishedCount(db)).toBe(rows.rows[0].n);
    expect(await redis.xlen(stream)).toBe(1);
    expect(logs.errorLines().some((line) => line.includes('outbox relay blocked') && line.includes(stream))).toBe(true);
  });

  it('publishes everything once the stream is cleared, and lowers the alert', async () => {
    await redis.del(stream);
    await eventually(async () => (await unpublishedCount(db)) === 0);
    await eventually(async () => (await conflictGauge()) === 0);
    const seqs = (await redis.xrange(stream, '-', '+')).map(([id]) => id);
    expect(seqs.length).toBeGreaterThanOrEqual(2);
  });

  it('takes a refused id for "already published" only when the entry there is the same event (F-5)', async () => {
    const otherStream = `${stream}:publisher`;
    const publisher = new RedisStreamPublisher({ redisUrl: REDIS_URL, stream: otherStream });
    try {
      const event: SyncEnvelope = {
        seq: 7,
        prevSeq: 6,
        kind: SyncEvents.scopeDeleted,
        entityId: 's',
        entityVersion: 2,
        occurredAt: '2026-01-01T00:00:00.000Z',
        payload: { name: 's', entityVersion: 2 },
      };
      await publisher.publish(event);
      await expect(publisher.publish(event)).resolves.toBeUndefined();
      await expect(publisher.publish({ ...event, payload: { name: 'other', entityVersion: 2 } })).rejects.toBeInstanceOf(ForeignStreamEntryError);
      await expect(publisher.publish({ ...event, seq: 5, prevSeq: 4 })).rejects.toBeInstanceOf(ForeignStreamEntryError);
    } finally {
      await publisher.close();
      await redis.del(otherStream);
    }
  });
});
