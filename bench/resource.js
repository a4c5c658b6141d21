// Resource-server benchmark (issue "Resource server and the sync library", performance).
// The real auth server runs here on a real PostgreSQL with real Redis (a unique stream); the
// server under test (the real resource server, or a bare node:http baseline) runs in a child
// process each, so the load generator (autocannon, here) and the server do not share a thread
// and the child's RSS is the server's own. Bounded: BENCH_DURATION s per case, 200 changes.
//   1. GET /api/me with a valid JWT, 50 connections, vs bare fixed JSON and bare jose verify.
//   2. Propagation lag: admin API response (deactivate a client / revoke a token) -> the RS
//      answers 401 to that token; 200 changes, p50 and p99.
//   3. RS memory: a fresh RS loads 10,000 clients and 100,000 revoked grant ids through the
//      snapshot; RSS sampled under the /api/me load.
// Usage: npm run build && node bench/resource.js   (REDIS_URL, BENCH_PG_URL, BENCH_DURATION)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { createAuthServer } from '../dist/apps/auth-server/src/bootstrap.js';
import { loadAuthServerConfig } from '../dist/apps/auth-server/src/config/auth-server.config.js';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { childServer, CONNECTIONS, DURATION_SECONDS, freshDatabase, measure } from './lib.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const MEMORY = { clients: 10_000, revoked: 100_000 };
const RESOURCE = { id: 'bench-resource-server', secret: randomBytes(32).toString('base64url') };
const AUDIENCE = 'http://localhost:3001';
/**
 * Node flags of the resource-server child (BENCH_RS_NODE_FLAGS, space-separated; '' for none),
 * recorded in the results. Default: the flags the RS is started with (package.json start:resource,
 * docker-compose.yml): V8's heap growth under allocation-heavy load, not the live data, dominates
 * RSS (docs/performance.md).
 */
const RS_FLAGS = (process.env.BENCH_RS_NODE_FLAGS ?? '--max-semi-space-size=2 --max-old-space-size=256').split(' ').filter(Boolean);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `count` confidential client_credentials clients sharing one secret, in one statement. */
async function insertClients(db, prefix, count, secret) {
  await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants)
     SELECT $1 || i, $1 || i, '1', 'confidential', $2, '["client_credentials"]' FROM generate_series(1, $3) AS i RETURNING id, client_id`,
    [prefix, hashClientSecret(secret), count],
  );
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) SELECT id, 'bench.read' FROM clients WHERE client_id LIKE $1 || '%'`, [prefix]);
  return rows.map((row) => row.client_id);
}

async function tokenFor(base, clientId, secret) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`token for ${clientId}: ${response.status}`);
  return (await response.json()).access_token;
}

const me = (rs, token) => fetch(`${rs.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }).then((response) => (response.body?.cancel(), response.status));

async function until(what, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** RSS samples every 250 ms while `work` runs; returns work's result and the peak. */
async function withRssSampling(child, work) {
  let peak = 0;
  const timer = setInterval(() => child.rss().then((sample) => (peak = Math.max(peak, sample.rss)), () => undefined), 250);
  try {
    const result = await work();
    peak = Math.max(peak, (await child.rss()).rss);
    return { result, peakRssMb: +(peak / 2 ** 20).toFixed(1) };
  } finally {
    clearInterval(timer);
  }
}

async function propagation(base, admin, rs, db, secret) {
  // Half deactivations of distinct clients, half revocations of single tokens of one client.
  const half = Math.floor(CHANGES / 2);
  const deactivated = await insertClients(db, `lag-c-${randomBytes(3).toString('hex')}-`, half, secret);
  const [revoking] = await insertClients(db, `lag-r-${randomBytes(3).toString('hex')}-`, 1, secret);
  // The clients were inserted behind the auth server's back: announce them as the admin API would.
  await rsKnows(rs, base, [...deactivated, revoking], secret, admin);
  const lags = [];
  for (let i = 0; i < CHANGES; i++) {
    const deactivate = i % 2 === 0;
    const clientId = deactivate ? deactivated[i / 2] : revoking;
    const token = await tokenFor(base, clientId, secret);
    await until('the RS to accept the token', async () => (await me(rs, token)) === 200);
    const gid = JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).gid;
    const response = deactivate
      ? await fetch(`${base}/admin/v1/clients/${clientId}`, { method: 'PATCH', headers: { authorization: admin, 'content-type': 'application/json' }, body: '{"active":false}' })
      : await fetch(`${base}/admin/v1/tokens/${gid}`, { method: 'DELETE', headers: { authorization: admin } });
    const answeredAt = performance.now();
    if (response.status >= 300) throw new Error(`admin change ${i}: ${response.status}`);
    await until('the RS to refuse the token', async () => (await me(rs, token)) === 401, 5000);
    lags.push(performance.now() - answeredAt);
  }
  lags.sort((a, b) => a - b);
  const round = (ms) => +ms.toFixed(1);
  return { changes: lags.length, p50Ms: round(percentile(lags, 50)), p99Ms: round(percentile(lags, 99)), maxMs: round(lags.at(-1)) };
}

/** Clients inserted by SQL reach the RS through a client.upserted event, sent by a no-op PATCH. */
async function rsKnows(rs, base, clientIds, secret, admin) {
  for (const clientId of clientIds) {
    const response = await fetch(`${base}/admin/v1/clients/${clientId}`, { method: 'PATCH', headers: { authorization: admin, 'content-type': 'application/json' }, body: '{"description":"bench"}' });
    if (response.status !== 200) throw new Error(`announce ${clientId}: ${response.status}`);
  }
  const last = await tokenFor(base, clientIds.at(-1), secret);
  await until('the RS to know the new clients', async () => (await me(rs, last)) === 200);
}

async function bulkRevocations(db, secret) {
  const clients = await insertClients(db, `mem-${randomBytes(3).toString('hex')}-`, MEMORY.clients, secret);
  await db.query(
    `INSERT INTO grants (id, client_ref, client_id, grant_type, scopes, issued_at, access_expires_at, revoked_at)
     SELECT gen_random_uuid(), c.id, c.client_id, 'client_credentials', '["bench.read"]', now(), now() + interval '1 hour', now()
     FROM (SELECT id, client_id FROM clients WHERE client_id LIKE 'mem-%') c, generate_series(1, $1) AS i`,
    [MEMORY.revoked / MEMORY.clients],
  );
  return clients.length;
}

async function main() {
  const authDb = await freshDatabase('portcullis_bench');
  const rsDbs = [await freshDatabase('portcullis_bench_rs', ''), await freshDatabase('portcullis_bench_rs', '')];
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const stream = `portcullis:bench:${Date.now().toString(36)}`;
  const adminPassword = randomBytes(12).toString('base64url');
  const config = loadAuthServerConfig(
    { LOG_LEVEL: 'error', ADMIN_PASSWORD: adminPassword, AUTH_ISSUER: issuer, RESOURCE_CLIENT_ID: RESOURCE.id, RESOURCE_CLIENT_SECRET: RESOURCE.secret },
    { databaseUrl: authDb.url, port, host: '127.0.0.1', redisUrl: REDIS_URL, syncStream: stream },
  );
  const app = await createAuthServer(config);
  await app.listen(port, '127.0.0.1');
  const admin = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;
  const db = new pg.Client({ connectionString: authDb.url });
  await db.connect();
  const children = [];
  const rsEnv = (databaseUrl) => ({
    AUTH_ISSUER: issuer,
    RESOURCE_AUDIENCE: AUDIENCE,
    RESOURCE_DATABASE_URL: databaseUrl,
    RESOURCE_CLIENT_ID: RESOURCE.id,
    RESOURCE_CLIENT_SECRET: RESOURCE.secret,
    REDIS_URL,
    BENCH_SYNC_STREAM: stream,
    LOG_LEVEL: 'error',
  });
  const results = [];
  const out = {};
  try {
    const secret = randomBytes(32).toString('base64url');
    const [benchClient] = await insertClients(db, `bench-${randomBytes(3).toString('hex')}-`, 1, secret);
    const token = await tokenFor(`${issuer}`, benchClient, secret);
    const bearer = { headers: { authorization: `Bearer ${token}` } };

    const json = await childServer('json');
    children.push(json);
    results.push(await measure('bare node:http fixed JSON (child)', { url: json.url }));
    await json.stop();
    const verify = await childServer('verify', { AUTH_ISSUER: issuer, RESOURCE_AUDIENCE: AUDIENCE });
    children.push(verify);
    results.push(await measure('bare node:http jose verify (child)', { url: verify.url, ...bearer }));
    await verify.stop();

    const rs = await childServer('rs', rsEnv(rsDbs[0].url), RS_FLAGS);
    children.push(rs);
    await until('the RS to accept the bench token', async () => (await me(rs, token)) === 200);
    out.smallRs = { rssBeforeLoadMb: +((await rs.rss()).rss / 2 ** 20).toFixed(1) };
    const load = await withRssSampling(rs, () => measure('rs GET /api/me (child)', { url: `${rs.url}/api/me`, ...bearer }));
    results.push({ ...load.result, peakRssMb: load.peakRssMb });
    out.propagation = await propagation(issuer, admin, rs, db, secret);
    console.log(`propagation over ${out.propagation.changes} changes: p50 ${out.propagation.p50Ms} ms  p99 ${out.propagation.p99Ms} ms  max ${out.propagation.maxMs} ms`);
    await rs.stop();

    const loaded = await bulkRevocations(db, secret);
    const big = await childServer('rs', rsEnv(rsDbs[1].url), RS_FLAGS);
    children.push(big);
    await until('the big RS to load its snapshot', async () => (await me(big, token)) === 200, 120_000);
    const idle = await big.rss();
    const idleRss = idle.rss;
    const bigLoad = await withRssSampling(big, () => measure('rs GET /api/me, 10k clients (child)', { url: `${big.url}/api/me`, ...bearer }));
    results.push({ ...bigLoad.result, peakRssMb: bigLoad.peakRssMb });
    out.memory = { clients: loaded, revokedGrantIds: MEMORY.revoked, rssAfterSnapshotMb: +(idleRss / 2 ** 20).toFixed(1), heapUsedAfterSnapshotMb: +(idle.heapUsed / 2 ** 20).toFixed(1), peakRssUnderLoadMb: bigLoad.peakRssMb };
    console.log(`RS memory with ${loaded} clients + ${MEMORY.revoked} revoked ids: ${JSON.stringify(out.memory)}; small RS: ${JSON.stringify(out.smallRs)}, peak ${load.peakRssMb} MB`);
    await big.stop();
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
    await db.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await app.close();
    await Promise.allSettled([authDb.drop(), ...rsDbs.map((database) => database.drop())]);
  }
  const byName = Object.fromEntries(results.map((row) => [row.name, row]));
  const rsRow = byName['rs GET /api/me (child)'];
  out.ratios = {
    rsVsBareVerify: +(rsRow.rps / byName['bare node:http jose verify (child)'].rps).toFixed(3),
    rsVsBareJson: +(rsRow.rps / byName['bare node:http fixed JSON (child)'].rps).toFixed(3),
  };
  console.table(out.ratios);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}-resource.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({ date, kind: 'resource', node: process.version, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, rsNodeFlags: RS_FLAGS, results, ...out }, null, 2) + '\n');
  console.log(`written ${file.pathname}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
