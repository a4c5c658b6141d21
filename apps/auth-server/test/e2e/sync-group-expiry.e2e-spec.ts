import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { groupsWithoutConsumersKeyOf, readEventUnverified, RedisStreamsTransport } from '#sync';
import { eventually, metricValue } from '#testing';
import { ConsumerGroupExpiryJob } from '../../src/sync/consumer-group-expiry.job.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

// Booting the app on an embedded PGlite (no TEST_DATABASE_URL) takes longer than jest's default.
jest.setTimeout(60_000);

// Needs Redis Streams: `npm test` without services skips it (.ci/run sets TEST_REDIS_URL).
const REDIS_URL = process.env.TEST_REDIS_URL ?? '';

/** SECURITY-CHECKLIST F-4: the group of a resource-server instance gone for good is destroyed, not kept forever. */
(REDIS_URL ? describe : describe.skip)('auth server: consumer groups idle past SYNC_GROUP_EXPIRY_SECONDS', () => {
  const stream = `test:sync-group-expiry:${randomUUID()}`;
  let server: RunningAuthServer;
  let redis: Redis;
  let running: RedisStreamsTransport;

  const createScope = async (name: string) => {
    const created = await server.request('/admin/v1/scopes', { method: 'POST', headers: { authorization: server.adminAuthorization }, json: { name, description: '' } });
    expect(created.status).toBe(201);
  };
  const groups = async () => ((await redis.xinfo('GROUPS', stream)) as string[][]).map((group) => group[group.indexOf('name') + 1]).sort();

  beforeAll(async () => {
    // Interval 0: the job never runs on its own here, the test runs it.
    server = await startTestAuthServer({ redisUrl: REDIS_URL, syncStream: stream, syncGroupExpirySeconds: 2 }, { RETENTION_INTERVAL_SECONDS: '0' });
    redis = new Redis(REDIS_URL);
    // An instance that is gone: it took one event, then never read again.
    await redis.xgroup('CREATE', stream, 'rs-gone', '0', 'MKSTREAM');
    await createScope('expiry.first');
    await eventually(async () => (await redis.xreadgroup('GROUP', 'rs-gone', 'c1', 'COUNT', 1, 'STREAMS', stream, '>')) !== null, 5000, 'the first event');
    // One still running, reading every 200 ms; it applies nothing (everything reads as applied): only its reads matter.
    running = new RedisStreamsTransport({
      redisUrl: REDIS_URL,
      stream,
      group: 'rs-running',
      consumer: 'c1',
      blockMs: 200,
      decode: async (raw) => readEventUnverified(raw),
      lastAppliedSeq: async () => Number.MAX_SAFE_INTEGER,
      onGap: async () => undefined,
    });
    running.listen(() => undefined);
    await eventually(async () => (await groups()).includes('rs-running'), 5000, 'the running instance to create its group');
  });

  afterAll(async () => {
    await running?.close();
    await server?.close();
    await redis?.del(stream, groupsWithoutConsumersKeyOf(stream));
    redis?.disconnect();
  });

  it("destroys the gone instance's group, keeps the running one's, and counts and audits the removal", async () => {
    // An event for both: the running instance takes it at once, the gone one never does.
    await createScope('expiry.second');
    const job = server.app.get(ConsumerGroupExpiryJob);
    const removed: string[] = [];
    await eventually(
      async () => {
        removed.push(...((await job.runOnce()) ?? []));
        return removed.length > 0;
      },
      10_000,
      'a group idle for 2 s',
    );
    expect(removed).toEqual(['rs-gone']);
    expect(await groups()).toEqual(['rs-running']);

    const metrics = await (await server.request('/metrics')).text();
    expect(metricValue(metrics, 'sync_consumer_groups_removed_total')).toBe(1);
    // Its gauges go with it: the labels do not grow with every instance that ever ran.
    expect(metrics).not.toContain('group="rs-gone"');
    expect(metrics).toContain('sync_consumer_group_behind_events{group="rs-running"} 0');

    let items: { action: string; targetType: string; targetId: string; details: Record<string, unknown> }[] = [];
    await eventually(
      async () => {
        const response = await server.request('/admin/v1/audit?action=sync.consumer_group.removed', { headers: { authorization: server.adminAuthorization } });
        ({ items } = (await response.json()) as { items: typeof items });
        return items.length > 0;
      },
      5000,
      'the audit row',
    );
    expect(items).toEqual([
      expect.objectContaining({
        action: 'sync.consumer_group.removed',
        targetType: 'consumer_group',
        targetId: 'rs-gone',
        details: { stream, idleSeconds: expect.any(Number), expirySeconds: 2, pendingEvents: expect.any(Number) },
      }),
    ]);
  });

  it('destroys a group that never had a consumer once it has been seen so past the expiry, an auth-server restart in between', async () => {
    // An instance that died right after XGROUP CREATE: no consumer, so Redis tells nothing of its age.
    await redis.xgroup('CREATE', stream, 'rs-never-read', '$');
    expect(await server.app.get(ConsumerGroupExpiryJob).runOnce()).toEqual([]);
    expect(await groups()).toEqual(['rs-never-read', 'rs-running']);

    // Longer than SYNC_GROUP_EXPIRY_SECONDS (2 s) since the first run saw it; a restart must not start the clock again.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await server.restart();
    expect(await server.app.get(ConsumerGroupExpiryJob).runOnce()).toEqual(['rs-never-read']);
    expect(await groups()).toEqual(['rs-running']);
    expect(metricValue(await (await server.request('/metrics')).text(), 'sync_consumer_groups_removed_total')).toBe(1);
    await eventually(
      async () => {
        const response = await server.request('/admin/v1/audit?action=sync.consumer_group.removed', { headers: { authorization: server.adminAuthorization } });
        const { items } = (await response.json()) as { items: { targetId: string; details: Record<string, unknown> }[] };
        const row = items.find((item) => item.targetId === 'rs-never-read');
        if (row) expect(row.details).toEqual({ stream, withoutConsumersSeconds: expect.any(Number), expirySeconds: 2, pendingEvents: 0 });
        return row !== undefined;
      },
      5000,
      'the audit row',
    );
  });
});
