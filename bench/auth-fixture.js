// The real auth server the resource-server benches (bench/resource.js, bench/edge.js) stand
// behind: in this process, on a fresh PostgreSQL database, publishing to a unique Redis stream;
// plus the registry helpers they share (clients inserted in bulk, tokens, the propagation lag).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAuthServer } from '../dist/apps/auth-server/src/bootstrap.js';
import { loadAuthServerConfig } from '../dist/apps/auth-server/src/config/auth-server.config.js';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { resourceThreadPoolEnv } from '../dist/apps/resource-server/src/workers/thread-pool.js';
import { freePort, freshDatabase } from './lib.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const RESOURCE = { id: 'bench-resource-server', secret: randomBytes(32).toString('base64url') };
export const AUDIENCE = 'http://localhost:3001';
/**
 * Node flags of the resource-server child (BENCH_RS_NODE_FLAGS, space-separated; '' for none),
 * recorded in the results. Default: the flags the RS is started with (package.json start:resource,
 * docker-compose.yml): V8's heap growth under allocation-heavy load, not the live data, dominates
 * RSS (docs/performance.md).
 */
export const RS_FLAGS = (process.env.BENCH_RS_NODE_FLAGS ?? '--max-semi-space-size=8 --max-old-space-size=256').split(' ').filter(Boolean);
/** The scope of every bench client; routes files of the benches ask for it. */
export const BENCH_SCOPE = 'bench.read';

/**
 * The auth server listening on loopback, an SQL connection to its database, its admin
 * credentials, and `rsEnv` (a resource server child's environment, synced from it).
 */
export async function startBenchAuthServer() {
  const database = await freshDatabase('portcullis_bench');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const stream = `portcullis:bench:${Date.now().toString(36)}`;
  const adminPassword = randomBytes(12).toString('base64url');
  const config = loadAuthServerConfig(
    { LOG_LEVEL: 'error', ADMIN_PASSWORD: adminPassword, AUTH_ISSUER: issuer, RESOURCE_CLIENT_ID: RESOURCE.id, RESOURCE_CLIENT_SECRET: RESOURCE.secret },
    { databaseUrl: database.url, port, host: '127.0.0.1', redisUrl: REDIS_URL, syncStream: stream },
  );
  const app = await createAuthServer(config);
  await app.listen(port, '127.0.0.1');
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  return {
    issuer,
    admin: `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`,
    db,
    /** One shared secret for every client the bench inserts. */
    secret: randomBytes(32).toString('base64url'),
    // The resource server's environment as production starts it (npm run start:resource, docker-compose.yml).
    rsEnv: (databaseUrl, extra = {}) => ({
      ...resourceThreadPoolEnv(process.env),
      AUTH_ISSUER: issuer,
      RESOURCE_AUDIENCE: AUDIENCE,
      RESOURCE_DATABASE_URL: databaseUrl,
      RESOURCE_CLIENT_ID: RESOURCE.id,
      RESOURCE_CLIENT_SECRET: RESOURCE.secret,
      REDIS_URL,
      BENCH_SYNC_STREAM: stream,
      LOG_LEVEL: 'error',
      ...extra,
    }),
    async close() {
      await db.end();
      // Requests still in flight when autocannon stopped finish before the app closes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await app.close();
      await database.drop();
    },
  };
}

/** `count` confidential client_credentials clients sharing one secret, in one statement. */
export async function insertClients(db, prefix, count, secret) {
  await db.query(`INSERT INTO scopes (name) VALUES ($1) ON CONFLICT DO NOTHING`, [BENCH_SCOPE]);
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants)
     SELECT $1 || i, $1 || i, '1', 'confidential', $2, '["client_credentials"]' FROM generate_series(1, $3) AS i RETURNING id, client_id`,
    [prefix, hashClientSecret(secret), count],
  );
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) SELECT id, $2 FROM clients WHERE client_id LIKE $1 || '%'`, [prefix, BENCH_SCOPE]);
  return rows.map((row) => row.client_id);
}

export async function tokenFor(base, clientId, secret) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`token for ${clientId}: ${response.status}`);
  return (await response.json()).access_token;
}

/** The status of GET `url` with the bearer `token`, body discarded. */
export const statusOf = (url, token, headers = {}) =>
  fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } }).then((response) => (response.body?.cancel(), response.status));

export async function until(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Propagation lag: admin API response (deactivate a client / revoke a token) -> `probe(token)`
 * (the status a protected request with that token gets where the change must arrive) is 401.
 * Half deactivations of distinct clients, half revocations of single tokens of one client.
 */
export async function propagation({ issuer, admin, db, secret }, probe) {
  const half = Math.floor(CHANGES / 2);
  const deactivated = await insertClients(db, `lag-c-${randomBytes(3).toString('hex')}-`, half, secret);
  const [revoking] = await insertClients(db, `lag-r-${randomBytes(3).toString('hex')}-`, 1, secret);
  // The clients were inserted behind the auth server's back: announce them as the admin API would.
  await announce({ issuer, admin, secret }, [...deactivated, revoking], probe);
  const lags = [];
  for (let i = 0; i < CHANGES; i++) {
    const deactivate = i % 2 === 0;
    const clientId = deactivate ? deactivated[i / 2] : revoking;
    const token = await tokenFor(issuer, clientId, secret);
    await until('the token to be accepted', async () => (await probe(token)) === 200);
    const gid = JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).gid;
    const response = deactivate
      ? await fetch(`${issuer}/admin/v1/clients/${clientId}`, {
          method: 'PATCH',
          headers: { authorization: admin, 'content-type': 'application/json' },
          body: '{"active":false}',
        })
      : await fetch(`${issuer}/admin/v1/tokens/${gid}`, { method: 'DELETE', headers: { authorization: admin } });
    const answeredAt = performance.now();
    if (response.status >= 300) throw new Error(`admin change ${i}: ${response.status}`);
    await until('the token to be refused', async () => (await probe(token)) === 401, 5000);
    lags.push(performance.now() - answeredAt);
  }
  lags.sort((a, b) => a - b);
  const round = (ms) => +ms.toFixed(1);
  return { changes: lags.length, p50Ms: round(percentile(lags, 50)), p99Ms: round(percentile(lags, 99)), maxMs: round(lags.at(-1)) };
}

/** Clients inserted by SQL reach the RS through a client.upserted event, sent by a no-op PATCH. */
export async function announce({ issuer, admin, secret }, clientIds, probe) {
  for (const clientId of clientIds) {
    const response = await fetch(`${issuer}/admin/v1/clients/${clientId}`, {
      method: 'PATCH',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: '{"description":"bench"}',
    });
    if (response.status !== 200) throw new Error(`announce ${clientId}: ${response.status}`);
  }
  const last = await tokenFor(issuer, clientIds.at(-1), secret);
  await until('the RS to know the new clients', async () => (await probe(last)) === 200);
}
