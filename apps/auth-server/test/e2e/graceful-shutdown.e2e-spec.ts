import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { buildApps, untilOk, type BuiltAppProcess } from '#testing/built-app-process';
import { createTestDatabase, type TestDatabase } from '#testing';
import { basicAuthorization, TEST_ADMIN } from '../support/auth-server-harness.js';
import { startBuiltAuthServer } from '../support/built-auth-server.js';
import { halfSent } from '../support/http-connections.js';

/**
 * SIGTERM to the built auth server (node dist/…/main.js, as production runs it) while requests
 * are in flight: they must all complete, the outbox relay must publish what they wrote, the audit
 * buffer must reach the table, and the process must exit 0 within a bound. The requests send
 * their bodies in two halves around the signal, so they are provably open when it arrives.
 */
const USER = { username: 'carol', password: 'carol-password-3e4f5a6b' };
const PASSWORD_GRANTS = 4;
/** Only a guard against a process that never exits: how fast it exits is not this test's business. */
const EXIT_BOUND_MS = 60_000;

const describeWithPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

describeWithPostgres('graceful shutdown of the auth server process on SIGTERM', () => {
  let database: TestDatabase;
  let server: BuiltAppProcess;
  let baseUrl = '';

  beforeAll(async () => {
    await buildApps();
    database = await createTestDatabase();
    ({ server, baseUrl } = await startBuiltAuthServer({
      DATABASE_URL: database.url,
      LOG_LEVEL: 'log',
      // One process (the default with DATABASE_URL is one per core): the pool's drain is auth-workers.e2e-spec.ts'.
      AUTH_WORKERS: '1',
    }));
    await untilOk(`${baseUrl}/health/ready`, server);
  }, 180_000);

  afterAll(async () => {
    server?.kill();
    await database?.drop();
  });

  it('finishes the requests in flight, publishes and audits what they did, and exits 0', async () => {
    const admin = { authorization: basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password), 'content-type': 'application/json' };
    const created = await fetch(`${baseUrl}/admin/v1/clients`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Shutdown App', version: '1', type: 'confidential', grants: ['password'] }),
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as { clientId: string; clientSecret: string };
    const user = await fetch(`${baseUrl}/admin/v1/users`, { method: 'POST', headers: admin, body: JSON.stringify({ ...USER, permissions: [] }) });
    expect(user.status).toBe(201);

    const tokenHeaders = { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' };
    const tokenBody = new URLSearchParams({ grant_type: 'password', ...USER }).toString();
    const inFlight = [
      ...Array.from({ length: PASSWORD_GRANTS }, () => halfSent(`${baseUrl}/oauth/token`, { method: 'POST', headers: tokenHeaders, body: tokenBody })),
      halfSent(`${baseUrl}/admin/v1/clients/${client.clientId}`, {
        method: 'PATCH',
        headers: admin,
        body: JSON.stringify({ description: 'changed during the drain' }),
      }),
    ];
    await Promise.all(inFlight.map((request) => request.sentHalf));
    await sleep(300); // the headers are parsed: these requests are open on the server

    server.child.kill('SIGTERM');
    await sleep(300);
    // The listener is closed: a new connection is refused, while the open requests go on.
    await expect(fetch(`${baseUrl}/health/live`)).rejects.toThrow();
    for (const request of inFlight) request.finish();

    const responses = await Promise.all(inFlight.map((request) => request.response));
    expect(responses.map((response) => response.status)).toEqual([...Array(PASSWORD_GRANTS).fill(200), 200]);
    expect(
      responses.slice(0, PASSWORD_GRANTS).every((response) => typeof (JSON.parse(response.body) as { access_token?: string }).access_token === 'string'),
    ).toBe(true);

    const exit = await Promise.race([server.exited, sleep(EXIT_BOUND_MS).then(() => null)]);
    expect(exit).toMatchObject({ code: 0, signal: null });

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const count = async (query: string) => Number((await db.query<{ n: string }>(query)).rows[0].n);
      // The relay finished its batch, then published what the drained requests wrote: nothing left.
      expect(await count('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL')).toBe(0);
      expect(await count("SELECT count(*) AS n FROM outbox_events WHERE payload::text LIKE '%Shutdown App%'")).toBeGreaterThanOrEqual(2);
      // The buffered audit rows of requests that finished during the drain were flushed before the
      // pool closed; their token.issued events are their grants rows, committed before the answer.
      expect(await count("SELECT count(*) AS n FROM audit_events WHERE action = 'login.succeeded' AND details->>'via' = 'password_grant'")).toBe(
        PASSWORD_GRANTS,
      );
      expect(await count(`SELECT count(*) AS n FROM grants WHERE grant_type = 'password' AND request_id IS NOT NULL`)).toBe(PASSWORD_GRANTS);
      expect(
        await count("SELECT count(*) AS n FROM audit_events WHERE action = 'client.updated' AND details->'after'->>'description' = 'changed during the drain'"),
      ).toBe(1);
    } finally {
      await db.end();
    }
  }, 60_000);
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
