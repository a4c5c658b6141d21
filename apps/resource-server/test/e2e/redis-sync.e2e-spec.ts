import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisStreamPublisher } from '#sync';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** The production wiring: events over a Redis Stream (its own stream name, the Redis is shared). */
(redisUrl ? describe : describe.skip)('resource server: sync over Redis Streams', () => {
  const stream = `portcullis:test:rs:${randomBytes(6).toString('hex')}`;
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let publisher: RedisStreamPublisher;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    publisher = new RedisStreamPublisher({ redisUrl: redisUrl!, stream, encode: (event) => authServer.signEvent(event) });
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE }, overrides: { redisUrl }, syncStream: stream });
    await rs.waitUntilReady();
  });

  afterAll(async () => {
    await rs?.close();
    await publisher?.close();
    await authServer?.close();
    const redis = new Redis(redisUrl!, { lazyConnect: true });
    await redis.connect();
    await redis.del(stream);
    redis.disconnect();
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
});
