import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { redisServerAvailable, TestRedisSentinel } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { RECOVERY_MS, StackOnRedis } from '../support/stack-on-redis.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, grantIdOf } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';

jest.setTimeout(120_000);

/**
 * Issue 19 item 5: REDIS_URL names a Sentinel group (one master, one replica, three Sentinels,
 * started here from Debian's redis-server); ioredis asks the Sentinels for the master. The master
 * then changes, by SENTINEL FAILOVER and by being killed, while changes are made: every change
 * reaches the resource server.
 */
(redisServerAvailable() ? describe : describe.skip)('the stack on a Redis Sentinel group (own redis-servers)', () => {
  const stream = `portcullis:test:sentinel:${randomBytes(6).toString('hex')}`;
  let sentinel: TestRedisSentinel;
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  let stack: StackOnRedis;

  beforeAll(async () => {
    sentinel = await TestRedisSentinel.start();
    as = await startStackAuthServer({ redisUrl: sentinel.url, syncStream: stream });
    rs = await startTestResourceServer({
      issuer: as.baseUrl,
      env: { LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'error' },
      overrides: { redisUrl: sentinel.url },
      syncStream: stream,
    });
    await rs.waitUntilReady(20_000);
    stack = new StackOnRedis(as, () => rs, sentinel.url, stream);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
    await sentinel?.stop();
  });

  it('events flow through the master the Sentinels name: a deactivated client is refused at the resource server', async () => {
    const { client, token } = await stack.clientWithToken('Sentinel Deactivated');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await stack.refused(token);
    await stack.caughtUp();
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
  });

  it('SENTINEL FAILOVER: both apps follow the new master, and no event is lost', async () => {
    const deactivated = await stack.clientWithToken('Sentinel Planned Deactivated');
    const revoked = await stack.clientWithToken('Sentinel Planned Revoked');
    const before = await sentinel.masterPort();
    const snapshotBefore = stack.snapshotLoadedAt();

    const failover = sentinel.failover();
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    expect(await failover).not.toBe(before);

    const after = await stack.clientWithToken('Sentinel Planned After', RECOVERY_MS);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.refused(revoked.token, RECOVERY_MS);
    await stack.refused(after.token, RECOVERY_MS);
    await stack.caughtUp();
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
    expect(stack.snapshotLoadedAt()).toBe(snapshotBefore);
  });

  it('the master killed: the Sentinels promote the replica and every change is enforced', async () => {
    const deactivated = await stack.clientWithToken('Sentinel Killed Deactivated');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    const { killed, promoted } = await sentinel.killMaster();
    expect(promoted).not.toBe(killed);

    const after = await stack.clientWithToken('Sentinel Killed After', RECOVERY_MS);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.refused(after.token, RECOVERY_MS);
    await stack.caughtUp();
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
  });
});
