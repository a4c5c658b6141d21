import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, redisServerAvailable, TestRedisCluster, TestRedisSentinel } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { RECOVERY_MS, StackOnRedis } from '../support/stack-on-redis.js';
import { adminOk, grantIdOf } from '../../apps/auth-server/test/support/test-clients.js';

jest.setTimeout(120_000);

/** A highly available Redis of the test's own, and the failovers of the master holding `stream`. */
interface AvailableRedis {
  url: string;
  /** Planned: CLUSTER FAILOVER on the replica, or SENTINEL FAILOVER. Resolves once the new master serves. */
  failover(): Promise<void>;
  /** Unplanned: the master killed by PID; resolves once the replica is promoted and (cluster) the killed node is back as its replica. */
  killMaster(): Promise<void>;
  stop(): Promise<void>;
  /** The same Redis with another password in the URL (none: without one). */
  urlWithPassword?(password: string | undefined): string;
  /** Cluster only: the replica cut off (paused behind a full replication link) while `change` is published, then the master killed. */
  failoverWithoutNewestEvent?(change: () => Promise<void>): Promise<void>;
}

async function cluster(stream: string): Promise<AvailableRedis> {
  const nodes = await TestRedisCluster.start(3, 'cluster-secret');
  return {
    url: nodes.url,
    urlWithPassword: (password) => nodes.urlWithPassword(password),
    failover: async () => void (await nodes.failover(stream)),
    killMaster: async () => {
      const { killed } = await nodes.killMasterOf(stream);
      await nodes.restart(killed, stream);
    },
    stop: () => nodes.stop(),
    failoverWithoutNewestEvent: async (change) => {
      const replica = await nodes.pauseReplicaOf(stream);
      await change();
      await nodes.killMasterOf(stream, replica);
      expect((await nodes.placementOf(stream)).master).toBe(replica);
    },
  };
}

async function sentinelGroup(): Promise<AvailableRedis> {
  const group = await TestRedisSentinel.start();
  return {
    url: group.url,
    failover: async () => void (await group.failover()),
    killMaster: async () => void (await group.killMaster()),
    stop: () => group.stop(),
  };
}

/**
 * Issue 19 item 5: REDIS_URL names a Redis Cluster (three masters, a replica each, a password) or a Sentinel
 * group (a master, a replica, three Sentinels), started here from Debian's redis-server; the real
 * auth server publishes its outbox to the stream and a real resource server reads it with its
 * consumer group, through ioredis's Cluster or Sentinel client. Then the master holding the stream
 * changes, planned and unplanned, while changes are made: none is lost.
 */
(redisServerAvailable() ? describe.each : describe.skip.each)([
  ['a Redis Cluster', cluster, it],
  // Its planned failover above already loses writes the old master took during the switch.
  ['a Redis Sentinel group', sentinelGroup, it.skip],
])('the stack on %s (own redis-servers)', (_topology, startRedis: (stream: string) => Promise<AvailableRedis>, clusterOnly) => {
  const stream = `portcullis:test:ha:${randomBytes(6).toString('hex')}`;
  let redis: AvailableRedis;
  let stack: StackOnRedis;

  beforeAll(async () => {
    redis = await startRedis(stream);
    stack = await StackOnRedis.start(redis.url, stream);
  });

  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  /** Every event the auth server committed is in the stream the current master holds. */
  async function streamHoldsEveryEvent(): Promise<void> {
    expect(await stack.streamSeqs()).toEqual((await stack.outboxSeqs()).all);
  }

  clusterOnly('credentials the cluster refuses stop the boot, with the password redacted', async () => {
    for (const password of ['not-the-secret', undefined]) {
      const failure = startStackAuthServer({ redisUrl: redis.urlWithPassword!(password), syncStream: stream });
      await expect(failure).rejects.toThrow(
        /^Invalid configuration: Redis at redis\+cluster:\/\/(:\*\*\*@)?127\.0\.0\.1:\d+,.* refused the credentials in REDIS_URL \((WRONGPASS|NOAUTH)/,
      );
      await expect(failure).rejects.not.toThrow(/not-the-secret/);
    }
  });

  it('events flow: a client deactivated at the auth server is refused at the resource server', async () => {
    const { client, token } = await stack.clientWithToken('HA Deactivated');
    await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await stack.refused(token);
    await stack.caughtUp();
    await streamHoldsEveryEvent();
  });

  it('a planned failover of the master holding the stream, during changes, loses no event and needs no snapshot', async () => {
    const deactivated = await stack.clientWithToken('HA Planned Deactivated');
    const revoked = await stack.clientWithToken('HA Planned Revoked');

    // Changes made while the roles swap: the relay and the consumer meet the swap mid-flight.
    const failover = redis.failover();
    await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await adminOk(stack.as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    await failover;

    const after = await stack.clientWithToken('HA Planned After', RECOVERY_MS);
    // A client created while the stream recovers may be admitted through the registry's catch-up
    // snapshot (RegistryCatchUp: its token came before its event); from here on nothing may need one.
    const snapshotAfterNewClient = stack.snapshotLoadedAt();
    await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    for (const token of [deactivated.token, revoked.token, after.token]) await stack.refused(token, RECOVERY_MS);
    await stack.caughtUp();
    // Whatever the old master took during the switch and did not pass on (SENTINEL FAILOVER does
    // not wait) the relay sent again; the resource server went on from its group's position.
    await streamHoldsEveryEvent();
    expect(stack.snapshotLoadedAt()).toBe(snapshotAfterNewClient);
  });

  it('the master holding the stream killed: the replica takes over and every change is enforced', async () => {
    const deactivated = await stack.clientWithToken('HA Killed Deactivated');
    await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await redis.killMaster();

    // The auth server's commits never waited for Redis; after the election everything flows again.
    const after = await stack.clientWithToken('HA Killed After', RECOVERY_MS);
    await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.refused(after.token, RECOVERY_MS);
    await stack.caughtUp();
    await streamHoldsEveryEvent();
  });

  clusterOnly('a replica promoted without the newest event: the relay publishes it again, and a resource server that had not read it gets it', async () => {
    const deactivated = await stack.clientWithToken('HA Lost Tail');
    await stack.caughtUp();
    const snapshotBefore = stack.snapshotLoadedAt();
    // The resource server is down, so it cannot read the event before the failover; its group
    // position and last seq stay in Redis and its database.
    await stack.rs.app.close();

    let lostSeq = 0;
    await redis.failoverWithoutNewestEvent!(async () => {
      await adminOk(stack.as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
      await eventually(async () => (await stack.outboxSeqs()).unpublished === 0, RECOVERY_MS, 'the relay to publish to the master');
      const { all } = await stack.outboxSeqs();
      lostSeq = all[all.length - 1];
      expect(await stack.streamSeqs()).toContain(lostSeq);
    });

    await stack.rs.restart();
    await stack.rs.waitUntilReady(20_000);
    await stack.refused(deactivated.token, RECOVERY_MS);
    await stack.caughtUp();
    expect(await stack.streamSeqs()).toContain(lostSeq);
    // Delivered as the event itself from the stream, not by a snapshot resync.
    expect(stack.snapshotLoadedAt()).toBe(snapshotBefore);
  });
});
