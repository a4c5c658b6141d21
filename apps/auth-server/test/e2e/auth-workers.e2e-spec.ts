import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { buildApps, untilOk, type BuiltAppProcess } from '#testing/built-app-process';
import { createTestDatabase, ENFORCEMENT_WAIT_MS, eventually, metricValue, type TestDatabase } from '#testing';
import { basicAuthorization, TEST_ADMIN } from '../support/auth-server-harness.js';
import { startBuiltAuthServer } from '../support/built-auth-server.js';
import { connectionsToWorkers, halfSent, requestOnNewConnection, type WorkerConnection, type WorkerResponse } from '../support/http-connections.js';

/**
 * AUTH_WORKERS=2 (issue 19 item 3): the built auth server (node dist/…/main.js) as a pool of two
 * worker processes on one port, on the test PostgreSQL. Each worker is reached through a kept-alive
 * connection the primary handed to it, and named by the x-portcullis-worker header.
 */
const describeWithPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

/** KeyStore re-reads the keys every 5 s; a rotation through one worker reaches the other within that. */
const KEY_RELOAD_MS = 5000;
/** Guards against hangs only: how fast a worker restarts or the pool exits is not this test's business. */
const PATIENCE_MS = 30_000;

interface Client {
  clientId: string;
  clientSecret: string;
}

describeWithPostgres('AUTH_WORKERS: two auth-server worker processes on one port', () => {
  let database: TestDatabase;
  let server: BuiltAppProcess;
  let baseUrl = '';
  let workers: Map<string, WorkerConnection>;
  let client: Client;
  const admin = { authorization: basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password), 'content-type': 'application/json' };

  const [first, second] = [() => [...workers.values()][0], () => [...workers.values()][1]];

  function tokenRequest(via: WorkerConnection, { clientId, clientSecret }: Client): Promise<WorkerResponse> {
    return via.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: basicAuthorization(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
  }

  async function accessToken(via: WorkerConnection): Promise<string> {
    const response = await tokenRequest(via, client);
    expect(response.status).toBe(200);
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  }

  async function createClient(via: WorkerConnection, name: string): Promise<Client> {
    const created = await via.request('/admin/v1/clients', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name, version: '1', type: 'confidential', grants: ['client_credentials'] }),
    });
    expect(created.status).toBe(201);
    return JSON.parse(created.body) as Client;
  }

  /** The pool's workers as the aggregated /metrics lists them: worker id → pid. */
  async function workerPids(): Promise<Map<string, number>> {
    const metrics = (await requestOnNewConnection(`${baseUrl}/metrics`)).body;
    return new Map([...metrics.matchAll(/^cluster_worker_info\{worker="(\d+)",pid="(\d+)"\} 1$/gm)].map(([, worker, pid]) => [worker, Number(pid)]));
  }

  beforeAll(async () => {
    await buildApps();
    database = await createTestDatabase();
    ({ server, baseUrl } = await startBuiltAuthServer({ DATABASE_URL: database.url, PASSWORD_HASH_COST: '10', LOG_LEVEL: 'warn', AUTH_WORKERS: '2' }));
    await untilOk(`${baseUrl}/health/ready`, server, 120_000);
    workers = await connectionsToWorkers(baseUrl, 2);
    client = await createClient(first(), 'Workers App');
  }, 240_000);

  afterAll(async () => {
    for (const connection of workers?.values() ?? []) connection.close();
    server?.kill();
    await database?.drop();
  });

  it('hands new connections to both workers, and one scrape of /metrics counts for the whole pool', async () => {
    const answeredBy = new Set<string>();
    for (let i = 0; i < 8; i++) answeredBy.add((await requestOnNewConnection(`${baseUrl}/health/live`)).worker);
    expect(answeredBy).toEqual(new Set(workers.keys()));

    const issued = 'oauth_tokens_issued_total{grant="client_credentials"}';
    const before = metricValue((await requestOnNewConnection(`${baseUrl}/metrics`)).body, issued);
    for (const via of [first(), first(), second(), second(), second()]) await accessToken(via);
    const after = metricValue((await requestOnNewConnection(`${baseUrl}/metrics`)).body, issued);
    expect(after - before).toBe(5);

    const pids = await workerPids();
    expect(new Set(pids.keys())).toEqual(new Set(workers.keys()));
    expect(new Set(pids.values()).size).toBe(2);
  });

  it('refuses, at the other worker, a client deactivated through one worker', async () => {
    const deactivated = await createClient(first(), 'Deactivated Elsewhere');
    expect((await tokenRequest(second(), deactivated)).status).toBe(200); // cached at the second worker now

    const patched = await first().request(`/admin/v1/clients/${deactivated.clientId}`, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ active: false }),
    });
    expect(patched.status).toBe(200);

    await eventually(async () => (await tokenRequest(second(), deactivated)).status === 401, ENFORCEMENT_WAIT_MS, 'the second worker to refuse the client');
    const refused = await tokenRequest(second(), deactivated);
    expect(refused.worker).not.toBe(patched.worker);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('signs with a key rotated through one worker at both workers, and both publish it', async () => {
    const rotated = await first().request('/admin/v1/keys/rotate', { method: 'POST', headers: admin, body: JSON.stringify({ activationDelaySeconds: 0 }) });
    expect(rotated.status).toBe(201);
    const { kids } = JSON.parse(rotated.body) as { kids: { ES256: string } };

    expect(decodeProtectedHeader(await accessToken(first())).kid).toBe(kids.ES256);
    const published = async (via: WorkerConnection) =>
      (JSON.parse((await via.request('/oauth/jwks')).body) as { keys: { kid: string }[] }).keys.some((key) => key.kid === kids.ES256);
    await eventually(() => published(second()), 2 * KEY_RELOAD_MS, 'the second worker to publish the new key');
    await eventually(async () => decodeProtectedHeader(await accessToken(second())).kid === kids.ES256, 2 * KEY_RELOAD_MS, 'the second worker to sign with it');
  });

  it('restarts a worker that was killed, and the pool serves on with the new one', async () => {
    const before = await workerPids();
    const [killedWorker, killedPid] = [...before.entries()].find(([worker]) => worker === [...workers.keys()][1])!;
    process.kill(killedPid, 'SIGKILL');

    const survivor = [...workers.keys()][0];
    // The new worker takes connections once it listens (its metrics show up a little earlier).
    await eventually(
      async () => {
        const answer = await requestOnNewConnection(`${baseUrl}/health/live`, { timeoutMs: 2000 }).catch(() => undefined);
        return answer?.status === 200 && answer.worker !== survivor;
      },
      PATIENCE_MS,
      'a new worker in place of the killed one to answer',
    );
    const now = await workerPids();
    expect(now.size).toBe(2);
    expect(now.has(killedWorker)).toBe(false);
    expect(server.output()).toContain(`worker ${killedWorker} (pid ${killedPid}) exited with signal SIGKILL: restarting it`);
    second().close();
    workers = await connectionsToWorkers(baseUrl, 2);
    for (const via of workers.values()) await accessToken(via);
  });

  it('on SIGTERM, lets both workers finish their requests, publishes and audits what they did, and exits 0', async () => {
    const pids = [...(await workerPids()).values()];
    const tokenHeaders = { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' };
    const inFlight = [
      ...[...workers.values()].map((via) => via.halfSent('/oauth/token', { method: 'POST', headers: tokenHeaders, body: 'grant_type=client_credentials' })),
      // On a connection of its own: a kept-alive one carries one request at a time.
      halfSent(`${baseUrl}/admin/v1/clients/${client.clientId}`, {
        method: 'PATCH',
        headers: admin,
        body: JSON.stringify({ description: 'changed during the drain' }),
      }),
    ];
    await Promise.all(inFlight.map((request) => request.sentHalf));
    // Until a worker has read a request's headers its connection counts as idle, and a draining
    // server closes idle connections: give the workers (and the primary handing the PATCH's new
    // connection over) time to read them, generously, as the machine may be loaded.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    server.child.kill('SIGTERM');
    // Every worker closes its listener, then the primary closes the port: new connections are refused.
    // A probe is given up after a while, not awaited: a connection the primary hands to a worker
    // just as that worker closes its listener comes back to the primary, which queues it for a worker
    // when none is left (node:cluster's RoundRobinHandle.distribute after remove), so it is answered
    // by nothing until the pool exits. Awaiting it held the requests below open past the workers'
    // drain timeout, which then cut them: the "socket hang up" of ~3 runs in 10.
    await eventually(
      () =>
        requestOnNewConnection(`${baseUrl}/health/live`, { timeoutMs: 500 }).then(
          () => false,
          (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
        ),
      PATIENCE_MS,
      'the port to refuse new connections',
    );
    for (const request of inFlight) request.finish();

    const responses = await Promise.all(inFlight.map((request) => request.response));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(responses.slice(0, 2).map((response) => response.worker))).toEqual(new Set(workers.keys()));

    const exit = await Promise.race([server.exited, new Promise((resolve) => setTimeout(() => resolve(null), PATIENCE_MS))]);
    expect(exit).toMatchObject({ code: 0, signal: null });
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const count = async (query: string) => Number((await db.query<{ n: string }>(query)).rows[0].n);
      expect(await count('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL')).toBe(0);
      expect(
        await count("SELECT count(*) AS n FROM audit_events WHERE action = 'client.updated' AND details->'after'->>'description' = 'changed during the drain'"),
      ).toBe(1);
    } finally {
      await db.end();
    }
  }, 90_000);
});
