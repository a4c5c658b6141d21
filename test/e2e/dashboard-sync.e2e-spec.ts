import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { InProcessEventBus } from '#sync';
import { eventually } from '#testing';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { startStackAuthServer } from '../support/stack-harness.js';
import { publishedOutboxSeq } from '../../apps/auth-server/test/support/outbox-seqs.js';

jest.setTimeout(90_000);

const redisUrl = process.env.TEST_REDIS_URL;

interface ResourceServerSync {
  group: string;
  state: string;
  consumers: number;
  behindEvents: number;
  pendingEvents: number;
  lastDeliveredSeq: number;
  lagSeconds: number | null;
  idleSeconds: number | null;
}

const transports = [
  { name: 'in-process', transport: 'in-process', redis: false },
  ...(redisUrl ? [{ name: 'Redis Streams (TEST_REDIS_URL)', transport: 'redis-streams', redis: true }] : []),
];

/** Issue 18: the dashboard shows every resource server's sync state, read where the events go. */
describe.each(transports)('dashboard: resource-server sync over $name', ({ transport, redis }) => {
  const stream = `portcullis:test:dashboard:${randomBytes(6).toString('hex')}`;
  let as: RunningAuthServer;
  const replicas: RunningResourceServer[] = [];

  async function sync(): Promise<{ transport: string; resourceServers: ResourceServerSync[] }> {
    const response = await as.request('/admin/v1/dashboard', { headers: { authorization: as.adminAuthorization } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { sync: { transport: string; resourceServers: ResourceServerSync[] } }).sync;
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer(redis ? { redisUrl, syncStream: stream } : { syncEventBus: bus });
    for (let i = 0; i < 2; i++) {
      replicas.push(await startTestResourceServer({ issuer: as.baseUrl, ...(redis ? { overrides: { redisUrl }, syncStream: stream } : { bus }) }));
    }
    await Promise.all(replicas.map((rs) => rs.waitUntilReady(20_000)));
  });

  afterAll(async () => {
    for (const rs of replicas) await rs.close();
    await as?.close();
    if (redis) {
      const client = new Redis(redisUrl!, { lazyConnect: true });
      await client.connect();
      await client.del(stream);
      client.disconnect();
    }
  });

  it('lists each instance in sync once it applied the latest change', async () => {
    const created = await as.request('/admin/v1/scopes', { method: 'POST', headers: { authorization: as.adminAuthorization }, json: { name: 'dashboard.one', description: '' } });
    expect(created.status).toBe(201);
    const last = await publishedOutboxSeq(as);
    let seen: ResourceServerSync[] = [];
    await eventually(
      async () => {
        seen = (await sync()).resourceServers;
        return seen.length === 2 && seen.every((rs) => rs.state === 'in_sync' && rs.lastDeliveredSeq >= last);
      },
      20_000,
      'both resource servers in sync',
    );
    expect((await sync()).transport).toBe(transport);
    for (const rs of seen) expect(rs).toMatchObject({ state: 'in_sync', behindEvents: 0, pendingEvents: 0, lagSeconds: 0 });
  });

  it('shows a stopped instance behind, with the age of the change it has not applied (F-4)', async () => {
    const stopped = replicas.pop()!;
    await stopped.close();
    const created = await as.request('/admin/v1/scopes', { method: 'POST', headers: { authorization: as.adminAuthorization }, json: { name: 'dashboard.two', description: '' } });
    expect(created.status).toBe(201);
    const last = await publishedOutboxSeq(as);
    let seen: ResourceServerSync[] = [];
    await eventually(
      async () => {
        seen = (await sync()).resourceServers;
        return seen.some((rs) => rs.state === 'behind') && seen.some((rs) => rs.state === 'in_sync' && rs.lastDeliveredSeq >= last);
      },
      20_000,
      'one resource server behind, the other in sync',
    );
    const behind = seen.find((rs) => rs.state === 'behind')!;
    expect(behind.behindEvents).toBe(1);
    expect(behind.lagSeconds).toEqual(expect.any(Number));
    // The same, for alerting: /metrics labels each group's unacknowledged events (F-4).
    const inSync = seen.find((rs) => rs.state === 'in_sync')!;
    await eventually(
      async () => {
        const text = await (await as.request('/metrics')).text();
        return text.includes(`sync_consumer_group_behind_events{group="${behind.group}"} 1\n`) && text.includes(`sync_consumer_group_behind_events{group="${inSync.group}"} 0\n`);
      },
      10_000,
      "/metrics to show each group's unacknowledged events",
    );
  });
});
