import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { accessTokenHash } from '#dpop';
import { DEFAULT_SYNC_STREAM } from '#sync';
import { buildApps, untilOk, type BuiltAppProcess } from '#testing/built-app-process';
import { createTestDatabase, ENFORCEMENT_WAIT_MS, eventually, redisServerAvailable, TestRedis, type TestDatabase } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { connectionsToWorkers, requestOnNewConnection, type WorkerConnection } from '../../apps/auth-server/test/support/http-connections.js';
import { createClient } from '../../apps/auth-server/test/support/token-fixtures.js';
import { startBuiltResourceServer } from '../../apps/resource-server/test/support/built-resource-server.js';

/**
 * RESOURCE_WORKERS=2 (issue 14, gateway throughput): the built resource server as a pool of two
 * worker processes on one port and one projection database. Slot 0 alone reads the events; every
 * worker tells the other what it committed. Each worker is reached through a kept-alive
 * connection the primary handed to it, named by the x-portcullis-worker header.
 */
const runnable = Boolean(process.env.TEST_DATABASE_URL) && redisServerAvailable();

/** Guards against hangs only: how fast a worker restarts is not this test's business. */
const PATIENCE_MS = 60_000;
/** Tokens name this audience (the auth server's default RESOURCE_AUDIENCE). */
const AUDIENCE = 'http://localhost:3001';
const SCOPE = 'workers.read';

function dpopProof(key: CryptoKey, jwk: JWK, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000), ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(key);
}

(runnable ? describe : describe.skip)('RESOURCE_WORKERS: two resource-server worker processes on one port', () => {
  let redis: TestRedis;
  let as: RunningAuthServer;
  let database: TestDatabase;
  let server: BuiltAppProcess;
  let upstream: Server;
  let baseUrl = '';
  let port = 0;
  let workers: Map<string, WorkerConnection>;
  let rsAdminToken = '';

  const both = () => [...workers.values()];

  async function meStatus(via: WorkerConnection, token: string): Promise<number> {
    return (await via.request('/api/me', { headers: { authorization: `Bearer ${token}` } })).status;
  }

  async function refusedByBoth(token: string, within: number, what: string): Promise<void> {
    for (const via of both()) await eventually(async () => (await meStatus(via, token)) === 401, within, `both workers to refuse ${what}`);
  }

  /** The pool's workers by id, from the aggregated metrics; none while the pool cannot answer (a worker just killed). */
  async function workerPids(): Promise<Map<string, number>> {
    const metrics = await requestOnNewConnection(`${baseUrl}/metrics`, { timeoutMs: 10_000 }).then(
      (response) => response.body,
      () => '',
    );
    return new Map([...metrics.matchAll(/^cluster_worker_info\{worker="(\d+)",pid="(\d+)"\} 1$/gm)].map(([, worker, pid]) => [worker, Number(pid)]));
  }

  async function freshClient(name: string): Promise<{ client: StackClient; token: string }> {
    const client = await createStackClient(as, name, [SCOPE]);
    const token = await clientCredentialsToken(as, client, SCOPE);
    for (const via of both()) await eventually(async () => (await meStatus(via, token)) === 200, 10_000, `both workers to accept ${name}'s token`);
    return { client, token };
  }

  beforeAll(async () => {
    await buildApps();
    redis = await TestRedis.start();
    as = await startStackAuthServer({ redisUrl: redis.url });
    database = await createTestDatabase();
    upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: request.url }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const admin = await createStackClient(as, 'RS admin tool', ['rs.admin']);
    rsAdminToken = await clientCredentialsToken(as, admin, 'rs.admin');
    await adminOk(as, 'POST', '/admin/v1/scopes', { name: SCOPE, description: SCOPE });
    ({ server, baseUrl, port } = await startBuiltResourceServer(
      { issuer: as.baseUrl, databaseUrl: database.url, redisUrl: redis.url },
      { RESOURCE_AUDIENCE: AUDIENCE, RESOURCE_WORKERS: '2', LOG_LEVEL: 'warn' },
    ));
    await untilOk(`${baseUrl}/health/ready`, server, 120_000);
    workers = await connectionsToWorkers(baseUrl, 2);
    for (const via of both()) await eventually(async () => (await via.request('/health/ready')).status === 200, 30_000, 'both workers to be ready');
  }, 240_000);

  afterAll(async () => {
    for (const connection of workers?.values() ?? []) connection.close();
    server?.kill();
    await new Promise((resolve) => upstream?.close(resolve));
    await as?.close();
    await database?.drop();
    await redis?.stop();
  });

  it('serves from both workers, with one consumer of the events for the pool', async () => {
    const { token } = await freshClient('Both Workers');
    const answers = await Promise.all(both().map((via) => via.request('/api/me', { headers: { authorization: `Bearer ${token}` } })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(new Set(answers.map((answer) => answer.worker)).size).toBe(2);

    const reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await reader.connect();
    try {
      const consumers = (await reader.xinfo('CONSUMERS', DEFAULT_SYNC_STREAM, `rs-${hostname()}-${port}`)) as unknown[];
      expect(consumers).toHaveLength(1);
    } finally {
      reader.disconnect();
    }
    const pids = await workerPids();
    expect(new Set(pids.keys())).toEqual(new Set(workers.keys()));
    // Each worker runs one libuv pool thread (workers/thread-pool.ts): none was set for the primary.
    expect(server.output().match(/resource-server listening on .*, worker \d+, 1 libuv pool thread\)/g)).toHaveLength(2);
  });

  it('refuses at both workers a client deactivated and a token revoked at the auth server', async () => {
    const deactivated = await freshClient('Deactivated');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${deactivated.client.clientId}`, { active: false });
    await refusedByBoth(deactivated.token, ENFORCEMENT_WAIT_MS, 'the deactivated client');

    const revoked = await freshClient('Revoked');
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(revoked.token)}`);
    await refusedByBoth(revoked.token, ENFORCEMENT_WAIT_MS, 'the revoked token');
  });

  it('applies at the other worker a local switch made through one', async () => {
    const { client, token } = await freshClient('Switched Locally');
    const [one, other] = both();
    const switched = await one.request(`/admin/v1/clients/${client.clientId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${rsAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(switched.status).toBe(200);
    expect(await meStatus(one, token)).toBe(401);
    await eventually(async () => (await meStatus(other, token)) === 401, ENFORCEMENT_WAIT_MS, 'the other worker to refuse the switched-off client');
  });

  it('serves at the other worker a route added through one, and its lane names the worker', async () => {
    const { token } = await freshClient('Routed');
    const [[, one], [otherId, other]] = [...workers];
    const created = await one.request('/admin/v1/routes', {
      method: 'POST',
      headers: { authorization: `Bearer ${rsAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ match: { pathPrefix: '/workers-api' }, upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`, scopes: { allOf: [SCOPE] } }),
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => (await other.request('/workers-api/x', { headers: { authorization: `Bearer ${token}` } })).status === 200,
      ENFORCEMENT_WAIT_MS,
      'the other worker to forward the new route',
    );
    // The token was admitted before: the gateway's lane answers, before Fastify and its hooks.
    const forwarded = await other.request('/workers-api/x', { headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(forwarded.body)).toEqual({ path: '/workers-api/x' });
    expect(forwarded.worker).toBe(otherId);
    // Forward authentication's lane too (forward-auth/verify-lane.ts), for the same token.
    const checked = await other.request('/auth/verify', {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/workers-api/x' },
    });
    expect(checked.status).toBe(200);
    expect(checked.worker).toBe(otherId);
  });

  it('refuses at one worker a DPoP proof the other admitted: the proof ids are shared in Redis', async () => {
    const client = await createStackClient(as, 'DPoP Across Workers', [SCOPE]);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const proof = (htm: string, htu: string, claims: Record<string, unknown> = {}) => dpopProof(privateKey, jwk, { htm, htu, ...claims });
    const issued = await as.request('/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        dpop: await proof('POST', `${as.baseUrl}/oauth/token`),
      },
      body: `grant_type=client_credentials&scope=${SCOPE}`,
    });
    expect(issued.status).toBe(200);
    const { access_token: token, token_type: tokenType } = (await issued.json()) as { access_token: string; token_type: string };
    expect(tokenType).toBe('DPoP');

    const [one, other] = both();
    const once = await proof('GET', `${baseUrl}/api/me`, { ath: accessTokenHash(token) });
    const call = (via: WorkerConnection, dpop: string) => via.request('/api/me', { headers: { authorization: `DPoP ${token}`, dpop } });
    await eventually(async () => (await call(one, await proof('GET', `${baseUrl}/api/me`, { ath: accessTokenHash(token) }))).status === 200, 10_000, 'the new client to be known');
    expect((await call(one, once)).status).toBe(200);
    const replayed = await call(other, once);
    expect(replayed.status).toBe(401);
    expect(replayed.headers['www-authenticate']).toMatch(/^DPoP error="invalid_dpop_proof"/);
    expect((await call(other, await proof('GET', `${baseUrl}/api/me`, { ath: accessTokenHash(token) }))).status).toBe(200);
  });

  it('admits at a follower the token of a client only a snapshot knows: the leader loads it when the follower asks', async () => {
    // Inserted behind the auth server's back: no event announces it, only a snapshot has it.
    const unannounced = await createClient(as, { scopes: [SCOPE] });
    const token = await clientCredentialsToken(as, { clientId: unannounced.clientId, clientSecret: unannounced.secret }, SCOPE);
    // Slot 0 (worker 1) leads; the other follows.
    const [follower] = [...workers.entries()].filter(([worker]) => worker !== '1').map(([, via]) => via);
    // A catch-up a moment ago (the previous test's new client) spaces this one by up to a second.
    await eventually(async () => (await meStatus(follower, token)) === 200, 10_000, 'the follower to admit the token');
  });

  it("reports at every worker the leader's event transport, cut off and back", async () => {
    const syncOf = async (via: WorkerConnection) =>
      JSON.parse((await via.request('/admin/v1/sync', { headers: { authorization: `Bearer ${rsAdminToken}` } })).body) as { transport: string | null; connected: boolean };
    for (const via of both()) expect(await syncOf(via)).toMatchObject({ transport: 'redis-streams', connected: true });
    await redis.stop();
    try {
      for (const via of both()) await eventually(async () => !(await syncOf(via)).connected, 10_000, 'every worker to report the transport cut off');
    } finally {
      await redis.start();
    }
    for (const via of both()) await eventually(async () => (await syncOf(via)).connected, 30_000, 'every worker to report the transport back');
  });

  it('replaces a killed leader, which resumes the events for the pool', async () => {
    const pids = await workerPids();
    // Slot 0 (the first worker forked, id 1) reads the events.
    const leaderPid = pids.get('1');
    expect(leaderPid).toBeDefined();
    const { client, token } = await freshClient('After The Leader');
    process.kill(leaderPid!, 'SIGKILL');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });

    await eventually(async () => (await workerPids()).size === 2 && !(await workerPids()).has('1'), PATIENCE_MS, 'a new leader in place of the killed one');
    for (const via of workers.values()) via.close();
    workers = await connectionsToWorkers(baseUrl, 2);
    await refusedByBoth(token, PATIENCE_MS, 'the client deactivated while the leader was down');
    expect(server.output()).toContain(`worker 1 (pid ${leaderPid}) exited with signal SIGKILL: restarting it`);
    // Longer than its waits added up: a slow replacement fails with what it waited for, not jest's timeout.
  }, 3 * PATIENCE_MS + 30_000);

  it('stops both workers on SIGTERM and exits 0', async () => {
    const pids = [...(await workerPids()).values()];
    for (const via of workers.values()) via.close();
    server.child.kill('SIGTERM');
    const exit = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve(null), PATIENCE_MS))]);
    expect(exit).toMatchObject({ code: 0, signal: null });
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});
