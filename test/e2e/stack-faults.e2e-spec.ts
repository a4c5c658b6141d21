import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ENFORCEMENT_WAIT_MS, eventually, freePort, redisServerAvailable, TestRedis } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

jest.setTimeout(60_000);

/** After an outage: the relay's backoff (max 2 s) plus a snapshot resync. */
const RECOVERY_MS = 10_000;

/**
 * SECURITY-CHECKLIST §3 faults on the full stack: the real auth server, two real resource servers
 * (each with its own consumer group) and a redis-server of the test's own, which it kills and
 * restarts empty (no persistence). "No change is lost when Redis, a resource server or the auth
 * server restarts" (CONTRACT "Events between the servers").
 */
(redisServerAvailable() ? describe : describe.skip)('stack faults (own redis-server): no change is lost across restarts', () => {
  const stream = `portcullis:test:stack-faults:${randomBytes(6).toString('hex')}`;
  let redis: TestRedis;
  let as: RunningAuthServer;
  const replicas: RunningResourceServer[] = [];

  function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return as.app.get(DataSource).query(query, params);
  }

  async function unpublished(): Promise<number> {
    const [row] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    return row.n;
  }

  async function lastOutboxSeq(): Promise<number> {
    const [row] = await sql<{ seq: string | null }>('SELECT max(seq) AS seq FROM outbox_events');
    return Number(row.seq ?? 0);
  }

  async function refusedAt(rs: RunningResourceServer, token: string, timeoutMs: number): Promise<number> {
    const elapsed = await eventually(async () => (await probe(rs, token)).status === 401, timeoutMs, `${rs.baseUrl} to refuse the token`);
    const refusal = await probe(rs, token);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    return elapsed;
  }

  async function acceptedEverywhere(token: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<void> {
    for (const rs of replicas) {
      await eventually(async () => (await probe(rs, token)).status === 200, timeoutMs, `${rs.baseUrl} to accept the token`);
      expect(await probe(rs, token)).toEqual({ status: 200, challenge: null });
    }
  }

  /** A fresh client and a token that every replica already accepts. */
  async function clientWithToken(name: string): Promise<{ client: StackClient; token: string }> {
    const client = await createStackClient(as, name);
    const token = await clientCredentialsToken(as, client);
    await acceptedEverywhere(token);
    return { client, token };
  }

  /** Every replica has applied everything the auth server committed: nothing was lost. */
  async function everyReplicaCaughtUp(): Promise<void> {
    const last = await lastOutboxSeq();
    for (const rs of replicas) await eventually(() => rs.lastAppliedSeq() >= last, RECOVERY_MS, `${rs.baseUrl} to reach seq ${last}`);
  }

  // STACK_LOG_LEVEL=log shows the replicas' sync logs (gaps, snapshots) when debugging.
  beforeAll(async () => {
    redis = await TestRedis.start();
    as = await startStackAuthServer({ redisUrl: redis.url, syncStream: stream });
    for (let i = 0; i < 2; i++) replicas.push(await startTestResourceServer({ issuer: as.baseUrl, env: { LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'error' }, overrides: { redisUrl: redis.url }, syncStream: stream }));
    await Promise.all(replicas.map((rs) => rs.waitUntilReady(20_000)));
  });

  afterAll(async () => {
    for (const rs of replicas) await rs.close();
    await as?.close();
    await redis?.stop();
  });

  it('F-1/F-2: Redis down during a deactivation and a revocation, restarted empty: every replica enforces both', async () => {
    const deactivated = await clientWithToken('Stack Fault Deactivated');
    const revoked = await clientWithToken('Stack Fault Revoked');
    const kept = await clientCredentialsToken(as, revoked.client);
    await acceptedEverywhere(kept);

    const snapshotsBefore = replicas.map((rs) => rs.registry().syncState().snapshotLoadedAt?.getTime());
    await redis.stop();
    // The admin API does not depend on Redis: the change and its outbox row commit together.
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await unpublished()).toBeGreaterThanOrEqual(2);
    // The auth server itself refuses the deactivated client at once.
    const refusedGrant = await as.request('/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${deactivated.client.clientId}:${deactivated.client.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(refusedGrant.status).toBe(401);

    const restartedAt = performance.now();
    await redis.start();
    const recovery = await Promise.all(
      replicas.flatMap((rs) => [refusedAt(rs, deactivated.token, RECOVERY_MS), refusedAt(rs, revoked.token, RECOVERY_MS)]),
    );
    await eventually(async () => (await unpublished()) === 0, RECOVERY_MS, 'the relay to drain the outbox');
    await everyReplicaCaughtUp();
    // Only the revoked grant: the client's other token still works.
    await acceptedEverywhere(kept);
    // The new Redis had neither the stream nor the groups: each replica recreated its group and resynced a snapshot.
    const snapshotsAfter = replicas.map((rs) => rs.registry().syncState().snapshotLoadedAt?.getTime());
    snapshotsAfter.forEach((after, i) => expect(after).toBeGreaterThan(snapshotsBefore[i]!));
    console.log(
      `[stack faults] after the Redis restart every replica enforced both changes in ${Math.max(...recovery).toFixed(0)} ms (${(performance.now() - restartedAt).toFixed(0)} ms to drain)`,
    );

    // And the pipeline is live again: a new change propagates within the promise.
    const after = await clientWithToken('Stack Fault After Redis');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${after.client.clientId}`, { active: false });
    for (const rs of replicas) await refusedAt(rs, after.token, ENFORCEMENT_WAIT_MS);
  });

  it('a resource server stopped during changes catches up on restart (same database and group)', async () => {
    const deactivated = await clientWithToken('Stack Fault RS Down Deactivated');
    const revoked = await clientWithToken('Stack Fault RS Down Revoked');
    const [stopped, running] = replicas;

    const snapshotBefore = stopped.registry().syncState().snapshotLoadedAt?.getTime();
    await stopped.app.close();
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    await refusedAt(running, deactivated.token, ENFORCEMENT_WAIT_MS);
    await refusedAt(running, revoked.token, ENFORCEMENT_WAIT_MS);
    await eventually(async () => (await unpublished()) === 0, RECOVERY_MS, 'the relay to publish while the replica is down');

    await stopped.restart();
    await stopped.waitUntilReady();
    await refusedAt(stopped, deactivated.token, 5000);
    await refusedAt(stopped, revoked.token, 5000);
    await everyReplicaCaughtUp();
    // It resumed from its own database and its consumer group: the missed events, no snapshot.
    expect(stopped.registry().syncState().snapshotLoadedAt?.getTime()).toBe(snapshotBefore);
  });

  it('F-9: the auth server stops between the commit and the publish; after its restart the event is delivered', async () => {
    const deactivated = await clientWithToken('Stack Fault AS Down');
    const liveRedisUrl = redis.url;
    const snapshotsBefore = replicas.map((rs) => rs.registry().syncState().snapshotLoadedAt?.getTime());

    // The relay cannot publish (its Redis is unreachable) while the resource servers keep their
    // connection to the live Redis: the commit happens, the publish does not, then the process stops.
    as.config.redisUrl = `redis://127.0.0.1:${await freePort()}`;
    await as.restart();
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    const [pending] = await sql<{ seq: string }>('SELECT max(seq) AS seq FROM outbox_events WHERE published_at IS NULL');
    expect(pending.seq).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await unpublished()).toBeGreaterThanOrEqual(1);
    await as.app.close();
    for (const rs of replicas) expect((await probe(rs, deactivated.token)).status).toBe(200);

    as.config.redisUrl = liveRedisUrl;
    const restartedAt = performance.now();
    await as.restart();
    for (const rs of replicas) await refusedAt(rs, deactivated.token, RECOVERY_MS);
    const delivered = performance.now() - restartedAt;
    await eventually(async () => (await unpublished()) === 0, RECOVERY_MS, 'the relay to drain the outbox');
    await everyReplicaCaughtUp();

    // Delivered as the event itself (it is in the stream), not by a snapshot resync.
    const check = new Redis(liveRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await check.connect();
    try {
      const entries = await check.xrange(stream, `${pending.seq}-0`, `${pending.seq}-0`);
      expect(entries).toHaveLength(1);
    } finally {
      check.disconnect();
    }
    expect(replicas.map((rs) => rs.registry().syncState().snapshotLoadedAt?.getTime())).toEqual(snapshotsBefore);
    console.log(`[stack faults] after the auth server restart every replica enforced the change in ${delivered.toFixed(0)} ms`);
  });
});
