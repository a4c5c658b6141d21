import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { ENFORCEMENT_WAIT_MS, eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

jest.setTimeout(60_000);

const redisUrl = process.env.TEST_REDIS_URL;

/**
 * The production wiring: the auth server's outbox relay XADDs to a Redis Stream (its own name: the
 * Redis is shared) and two resource-server instances, each with its own consumer group, read it.
 */
(redisUrl ? describe : describe.skip)('stack (Redis Streams, TEST_REDIS_URL): every resource server enforces a change', () => {
  const stream = `portcullis:test:stack:${randomBytes(6).toString('hex')}`;
  let as: RunningAuthServer;
  const replicas: RunningResourceServer[] = [];

  /** Resolves once every replica answers 401 invalid_token; returns the slowest elapsed ms. */
  async function refusedEverywhereWithin(token: string): Promise<number[]> {
    return Promise.all(
      replicas.map(async (rs) => {
        const elapsed = await eventually(async () => (await probe(rs, token)).status === 401, ENFORCEMENT_WAIT_MS, `${rs.baseUrl} to refuse the token`);
        const refusal = await probe(rs, token);
        expect(refusal.status).toBe(401);
        expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
        return elapsed;
      }),
    );
  }

  async function acceptedEverywhereWithin(token: string): Promise<number[]> {
    return Promise.all(
      replicas.map(async (rs) => {
        const elapsed = await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, `${rs.baseUrl} to accept the token`);
        expect(await probe(rs, token)).toEqual({ status: 200, challenge: null });
        return elapsed;
      }),
    );
  }

  beforeAll(async () => {
    as = await startStackAuthServer({ redisUrl, syncStream: stream });
    for (let i = 0; i < 2; i++) {
      const rs = await startTestResourceServer({ issuer: as.baseUrl, overrides: { redisUrl }, syncStream: stream });
      replicas.push(rs);
    }
    await Promise.all(replicas.map((rs) => rs.waitUntilReady(20_000)));
  });

  afterAll(async () => {
    for (const rs of replicas) await rs.close();
    await as?.close();
    // Only this test's stream; the shared Redis is never flushed.
    const redis = new Redis(redisUrl!, { lazyConnect: true });
    await redis.connect();
    await redis.del(stream);
    redis.disconnect();
  });

  it('two replicas (two consumer groups) enforce deactivation, revocation and reactivation', async () => {
    const client = await createStackClient(as, 'Stack Redis');
    const token = await clientCredentialsToken(as, client);
    await acceptedEverywhereWithin(token);

    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    const deactivation = await refusedEverywhereWithin(token);

    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const rs of replicas) expect((await probe(rs, token)).status).toBe(401);

    // iat has whole seconds; the client-wide cutoff refuses iat <= its second (see the in-process spec).
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    const fresh = await clientCredentialsToken(as, client);
    const other = await clientCredentialsToken(as, client);
    const reactivation = await acceptedEverywhereWithin(fresh);

    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(fresh)}`);
    const revocation = await refusedEverywhereWithin(fresh);
    await acceptedEverywhereWithin(other);

    // Both groups exist on the stream, one per replica (SECURITY-CHECKLIST §3: every replica needs every event).
    const redis = new Redis(redisUrl!, { lazyConnect: true });
    await redis.connect();
    try {
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      expect(groups.length).toBe(2);
    } finally {
      redis.disconnect();
    }

    const fmt = (values: number[]) => values.map((value) => `${value.toFixed(0)} ms`).join(' / ');
    console.log(`[stack redis] propagation per replica: deactivation ${fmt(deactivation)}, reactivation ${fmt(reactivation)}, revocation ${fmt(revocation)}`);
  });
});
