import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisStreamPublisher } from '#sync';
import { eventually, metricValue } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** The production wiring: events over a Redis Stream (its own stream name, the Redis is shared). */
(redisUrl ? describe : describe.skip)('resource server: sync over Redis Streams', () => {
  const stream = `portcullis:test:rs:${randomBytes(6).toString('hex')}`;
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let publisher: RedisStreamPublisher;
  let redis: Redis;

  const duplicates = async () => metricValue(await (await rs.request('/metrics')).text(), 'sync_events_duplicate_total');
  /** The resource server's consumer group (the harness names it; it is the stream's only one). */
  const consumerGroup = async () => {
    const groups = (await redis.xinfo('GROUPS', stream)) as string[][];
    expect(groups).toHaveLength(1);
    return groups[0][groups[0].indexOf('name') + 1];
  };

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    publisher = new RedisStreamPublisher({ redisUrl: redisUrl!, stream, encode: (event) => authServer.signEvent(event) });
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE }, overrides: { redisUrl }, syncStream: stream });
    await rs.waitUntilReady();
    redis = new Redis(redisUrl!);
  });

  afterAll(async () => {
    await rs?.close();
    await publisher?.close();
    await authServer?.close();
    await redis?.del(stream);
    redis?.disconnect();
  });

  it('applies an event published to the stream within a second', async () => {
    const token = await authServer.sign();
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    await publisher.publish(envelope(1, 'client.upserted', 2, clientSnapshot({ active: false, entityVersion: 2 })));
    await rs.waitForSeq(1, 1000);
    expect((await rs.request('/api/me', { token })).status).toBe(401);
  });

  it('reports the Redis transport at /admin/v1/sync', async () => {
    const adminToken = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin' });
    const response = await rs.request('/admin/v1/sync', { token: adminToken });
    expect(await response.json()).toMatchObject({ transport: 'redis-streams', connected: true, lastAppliedSeq: 1, lag: 0 });
  });

  it('resumes after a restart without losing an event published while it was down', async () => {
    await rs.app.close();
    await publisher.publish(envelope(2, 'client.upserted', 3, clientSnapshot({ active: true, entityVersion: 3 })));
    await rs.restart();
    await rs.waitForSeq(2, 5000);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);
  });

  it('F-5: counts each entry Redis delivers again (here: its group moved back to the start) and changes nothing', async () => {
    const group = await consumerGroup();
    const before = await duplicates();
    await redis.xgroup('SETID', stream, group, '0');
    await eventually(async () => (await duplicates()) === before + 2, 10_000, 'both entries delivered again');
    await eventually(async () => ((await redis.xpending(stream, group)) as [number])[0] === 0, 5000, 'both acked');
    expect(await duplicates()).toBe(before + 2);
    expect(rs.lastAppliedSeq()).toBe(2);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);
  });

  it('F-4: its group removed (idle past SYNC_GROUP_EXPIRY_SECONDS) while it runs: NOGROUP, the group recreated, a snapshot resync', async () => {
    const group = await consumerGroup();
    const before = await duplicates();
    const snapshots = authServer.snapshotRequests;
    // A change the stream will never carry to it: only the snapshot has it.
    authServer.snapshot = registrySnapshot({ seq: 3, clients: [clientSnapshot({ active: false, entityVersion: 4 })] });
    await redis.xgroup('DESTROY', stream, group);
    await rs.waitForSeq(3, 10_000);
    expect(authServer.snapshotRequests).toBe(snapshots + 1);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(401);
    expect(await consumerGroup()).toBe(group);
    await publisher.publish({ ...envelope(4, 'client.upserted', 5, clientSnapshot({ active: true, entityVersion: 5 })), prevSeq: 3 });
    await rs.waitForSeq(4, 5000);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);
    // The new group starts at the snapshot's seq, not at the stream's start: entries 1 and 2 are not read again.
    expect(await duplicates()).toBe(before);
  });
});
