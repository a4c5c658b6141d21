import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTestDatabase, eventually, pgbouncerAvailable, TEST_RESOURCE_CLIENT, TestPgBouncer, type TestDatabase } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, tokenRequest } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';
import { RetentionJob } from '../../apps/auth-server/src/retention/retention-job.js';

jest.setTimeout(120_000);

const serverUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
/** In CI (.ci/run sets PGBOUNCER_TESTS=required) the suite must run; elsewhere it may skip. */
const required = process.env.PGBOUNCER_TESTS === 'required';
const missing = [
  !serverUrl && 'TEST_DATABASE_URL',
  !redisUrl && 'TEST_REDIS_URL',
  !pgbouncerAvailable() && '/usr/sbin/pgbouncer (apt-get install pgbouncer)',
].filter(Boolean);
const run = missing.length === 0 || required ? describe : describe.skip;
if (missing.length) console.warn(`PgBouncer suite: needs ${missing.join(', ')}${required ? '' : '; skipping it'}`);

const REDIRECT = 'https://app.example.com/callback';
const DEADLINE_MS = 10_000;

/** A new database in the real server, which the apps reach through `bouncer`; dropped directly. */
async function pooledDatabase(bouncer: TestPgBouncer): Promise<TestDatabase & { directUrl: string }> {
  const database = await createTestDatabase(serverUrl);
  return { url: bouncer.urlFor(database.url), real: true, drop: () => database.drop(), directUrl: database.url };
}

async function directQuery<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Each line the app logged, as written (pino JSON). */
class CapturedLogs {
  readonly lines: string[] = [];
  write(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter((line) => line.length > 0));
  }
}

/**
 * Session pooling pins a server connection to each of the apps' pooled connections while it is
 * open, so its pool covers theirs (20 each); transaction pooling shares a few among them all.
 */
const MODES = [
  { poolMode: 'session', poolSize: 30, env: {} },
  // The setting under test: unnamed statements, advisory locks inside transactions.
  { poolMode: 'transaction', poolSize: 3, env: { DATABASE_POOL_MODE: 'transaction' } },
] as const;

run.each(MODES)('both apps behind PgBouncer, pool_mode=$poolMode (DATABASE_POOL_MODE=$poolMode)', ({ poolMode, poolSize, env }) => {
  const stream = `portcullis:test:pgbouncer:${randomBytes(6).toString('hex')}`;
  let bouncer: TestPgBouncer;
  let asDatabase: Awaited<ReturnType<typeof pooledDatabase>>;
  let rsDatabase: Awaited<ReturnType<typeof pooledDatabase>>;
  let as: RunningAuthServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    bouncer = await TestPgBouncer.start({ serverUrl: serverUrl!, poolMode, poolSize });
    asDatabase = await pooledDatabase(bouncer);
    rsDatabase = await pooledDatabase(bouncer);
    // Both apps run their migrations at start, through PgBouncer.
    as = await startStackAuthServer({ redisUrl, syncStream: stream }, env, { database: asDatabase });
    rs = await startTestResourceServer({ issuer: as.baseUrl, overrides: { redisUrl, databasePoolMode: poolMode }, syncStream: stream, database: rsDatabase });
    await rs.waitUntilReady(20_000);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
    await bouncer?.stop();
    await asDatabase?.drop();
    await rsDatabase?.drop();
    const redis = new Redis(redisUrl!, { lazyConnect: true });
    await redis.connect();
    await redis.del(stream);
    redis.disconnect();
  });

  it(`runs the apps with the configured mode (${poolMode})`, () => {
    expect(as.config.databasePoolMode).toBe(poolMode);
    expect(as.config.preparedStatements).toBe(poolMode === 'session');
    expect(rs.config.databasePoolMode).toBe(poolMode);
  });

  it('issues client_credentials tokens (concurrently, on several server connections) that introspect as active', async () => {
    const client = await createStackClient(as, `PgBouncer ${poolMode}`);
    const tokens = await Promise.all(Array.from({ length: 12 }, () => clientCredentialsToken(as, client)));
    const response = await as.request('/oauth/introspect', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${TEST_RESOURCE_CLIENT.clientId}:${TEST_RESOURCE_CLIENT.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: tokens[11] }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ active: true, client_id: client.clientId });
  });

  it('runs the code flow and a refresh', async () => {
    const client = await createTestClient(as, {
      grants: ['authorization_code'],
      redirectUris: [REDIRECT],
      refreshCount: { mode: 'unlimited' },
    });
    const { location } = await authorizeThroughPages(
      as,
      authorizePath({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, state: 's' }),
      TEST_ADMIN,
    );
    const exchanged = await tokenRequest(as, { grant_type: 'authorization_code', code: codeFrom(location, REDIRECT, 's'), redirect_uri: REDIRECT }, client);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.refresh_token).toEqual(expect.any(String));
    const refreshed = await tokenRequest(as, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token! }, client);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
  });

  it('relays admin changes through the outbox to the resource server', async () => {
    const client = await createStackClient(as, `PgBouncer relay ${poolMode}`);
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200, DEADLINE_MS, 'the resource server to accept the token');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await eventually(async () => (await probe(rs, token)).status === 401, DEADLINE_MS, 'the resource server to refuse the token');
    expect((await probe(rs, token)).challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    await eventually(
      async () =>
        (await directQuery<{ n: number }>(asDatabase.directUrl, 'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL'))[0].n === 0,
      DEADLINE_MS,
      'every outbox event to be marked published',
    );
  });

  it('runs the retention job (its lease and batches are single statements): a dead grant goes, a live one stays', async () => {
    const client = await createStackClient(as, `PgBouncer retention ${poolMode}`);
    await clientCredentialsToken(as, client);
    // The token just issued backdated past the audit retention and its expiry: nothing can use it any more.
    await directQuery(
      asDatabase.directUrl,
      `UPDATE grants SET created_at = now() - interval '100 days', access_expires_at = now() - interval '99 days' WHERE client_id = $1`,
      [client.clientId],
    );
    const live = await clientCredentialsToken(as, client);
    const run = await as.app.get(RetentionJob).runOnce();
    expect(run?.removed.grants).toBe(1);
    expect(await directQuery(asDatabase.directUrl, 'SELECT 1 FROM grants WHERE client_id = $1', [client.clientId])).toHaveLength(1);
    expect(await directQuery(asDatabase.directUrl, 'SELECT 1 FROM maintenance_leases')).toEqual([]);
    expect(live).toEqual(expect.any(String));
  });

  it('leaves no advisory lock behind between relay batches, and a restart migrates again without waiting', async () => {
    // A session-level lock taken through a transaction pooler stays with a server connection for good.
    const advisoryLocks = async () =>
      (
        await directQuery<{ n: number }>(
          asDatabase.directUrl,
          "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        )
      )[0].n;
    await eventually(async () => (await advisoryLocks()) === 0, DEADLINE_MS, 'a moment without any advisory lock held');
    await as.restart();
    expect((await as.request('/health/ready')).status).toBe(200);
  });
});

run('PgBouncer pool_mode=transaction WITHOUT DATABASE_POOL_MODE=transaction: named statements break', () => {
  const logs = new CapturedLogs();
  let bouncer: TestPgBouncer;
  let database: Awaited<ReturnType<typeof pooledDatabase>>;
  let as: RunningAuthServer;

  beforeAll(async () => {
    // One server connection: every connection of the app's pool shares it, statements and all.
    bouncer = await TestPgBouncer.start({ serverUrl: serverUrl!, poolMode: 'transaction', poolSize: 1 });
    database = await pooledDatabase(bouncer);
    as = await startStackAuthServer({ logDestination: logs }, {}, { database });
  });

  afterAll(async () => {
    await as?.close();
    await bouncer?.stop();
    await database?.drop();
  });

  it('fails token requests with the prepared-statement errors the setting avoids', async () => {
    expect(as.config).toMatchObject({ databasePoolMode: 'session', preparedStatements: true });
    const client = await createStackClient(as, 'PgBouncer without the setting');
    const statuses: number[] = [];
    // Concurrent requests open several pool connections; the second to prepare a statement finds it there (42P05).
    await eventually(
      async () => {
        const round = await Promise.all(
          Array.from({ length: 8 }, () =>
            clientCredentialsToken(as, client).then(
              () => 200,
              (error: Error) => Number(/answered (\d+)/.exec(error.message)?.[1] ?? 0),
            ),
          ),
        );
        statuses.push(...round);
        return round.some((status) => status !== 200);
      },
      DEADLINE_MS * 3,
      'a token request to fail',
    );
    expect(statuses.filter((status) => status !== 200).every((status) => status >= 500)).toBe(true);
    expect(logs.lines.join('\n')).toMatch(/prepared statement \\?"portcullis_\w+\\?" (already exists|does not exist)/);
  });
});
