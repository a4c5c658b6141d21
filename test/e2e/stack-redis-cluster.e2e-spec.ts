import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, redisServerAvailable, TestRedisCluster } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { RECOVERY_MS, StackOnRedis } from '../support/stack-on-redis.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';

jest.setTimeout(120_000);

/**
 * Issue 19 item 5: REDIS_URL names a Redis Cluster (three masters, a replica each, started here
 * from Debian's redis-server); the real auth server publishes its outbox to the stream and a real
 * resource server reads it with its consumer group, through ioredis's Cluster client. Then the
 * master holding the stream fails over, planned (CLUSTER FAILOVER) and unplanned (the master
 * killed), while changes are made: none is lost.
 */
(redisServerAvailable() ? describe : describe.skip)('the stack on a Redis Cluster (own redis-servers)', () => {
  const stream = `portcullis:test:cluster:${randomBytes(6).toString('hex')}`;
  let cluster: TestRedisCluster;
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  let stack: StackOnRedis;

  beforeAll(async () => {
    cluster = await TestRedisCluster.start(3);
    as = await startStackAuthServer({ redisUrl: cluster.url, syncStream: stream });
    rs = await startTestResourceServer({
      issuer: as.baseUrl,
      env: { LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'error' },
      overrides: { redisUrl: cluster.url },
      syncStream: stream,
    });
    await rs.waitUntilReady(20_000);
    stack = new StackOnRedis(as, () => rs, cluster.url, stream);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
    await cluster?.stop();
  });

  it('events flow through the cluster: a client deactivated at the auth server is refused at the resource server', async () => {
    const { client, token } = await stack.clientWithToken('Cluster Deactivated');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await stack.refused(token);
    await stack.caughtUp();
    // The stream is one key: it lives on one master's slot, with the resource server's group.
    const { master, replicas } = await cluster.placementOf(stream);
    expect(replicas).toHaveLength(1);
    expect(master).not.toBe(replicas[0]);
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
  });

  it('a planned failover of the master holding the stream (CLUSTER FAILOVER) loses no event', async () => {
    const deactivated = await stack.clientWithToken('Cluster Planned Deactivated');
    const revoked = await stack.clientWithToken('Cluster Planned Revoked');
    const before = await cluster.placementOf(stream);
    const snapshotBefore = stack.snapshotLoadedAt();

    // Changes made while the roles swap: the relay and the consumer meet the swap mid-flight.
    const failover = cluster.failover(stream);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    const promoted = await failover;
    expect(promoted).toBe(before.replicas[0]);
    expect((await cluster.placementOf(stream)).master).toBe(promoted);

    const after = await stack.clientWithToken('Cluster Planned After');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.refused(revoked.token, RECOVERY_MS);
    await stack.refused(after.token, RECOVERY_MS);
    await stack.caughtUp();
    // The replica had every entry before it took over: the new master's stream holds every event,
    // and the resource server went on from its group's position without a snapshot.
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
    expect(stack.snapshotLoadedAt()).toBe(snapshotBefore);
  });

  it('an unplanned failover (the master holding the stream killed) loses no change: the resource server enforces every one', async () => {
    const deactivated = await stack.clientWithToken('Cluster Killed Deactivated');
    const before = await cluster.placementOf(stream);

    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    const { killed, promoted } = await cluster.killMasterOf(stream);
    expect(promoted).toBe(before.replicas[0]);

    // The auth server's commits never waited for Redis; after the election everything flows again.
    const after = await createStackClient(as, 'Cluster Killed After');
    const afterToken = await clientCredentialsToken(as, after);
    await stack.accepted(afterToken, RECOVERY_MS);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${after.clientId}`, { active: false });
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.refused(afterToken, RECOVERY_MS);
    await stack.caughtUp();
    // Whatever the killed master had not passed on is in the stream again (the relay's tail check).
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);

    // The killed node comes back as the new master's replica, for the next failover.
    await cluster.restart(killed, stream);
  });

  it('a replica promoted without the newest event: the relay publishes it again, and a resource server that had not read it gets it', async () => {
    const deactivated = await stack.clientWithToken('Cluster Lost Tail');
    await stack.caughtUp();
    const snapshotBefore = stack.snapshotLoadedAt();
    // The resource server is down, so it cannot read the event before the failover; its group
    // position and last seq stay in Redis and its database.
    await rs.app.close();

    const replica = await cluster.pauseReplicaOf(stream);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await eventually(async () => (await stack.outboxSeqs()).unpublished === 0, RECOVERY_MS, 'the relay to publish to the master');
    const { all } = await stack.outboxSeqs();
    const lostSeq = all[all.length - 1];
    expect(await stack.streamSeqs()).toContain(lostSeq);
    // The master dies with the event; the replica, which never got it, takes over.
    await cluster.killMasterOf(stream, replica);
    expect((await cluster.placementOf(stream)).master).toBe(replica);

    await rs.restart();
    await rs.waitUntilReady(20_000);
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.caughtUp();
    expect(await stack.streamSeqs()).toContain(lostSeq);
    // Delivered as the event itself from the stream, not by a snapshot resync.
    expect(stack.snapshotLoadedAt()).toBe(snapshotBefore);
  });
});
