// Flat cost (issue 19 item 2): does the auth server keep its speed as its tables fill? On ONE
// dedicated database (created on the bench PostgreSQL server, dropped at the end) the same cases
// are measured twice: first nearly empty (a seed of one page of grants for the filtered client and
// user, so every list answers a full page), then after SQL has filled it with --rows grants and
// --audit audit events (bench/fill-data.js) and VACUUM ANALYZE has run. The table gives each
// case's figures in both states and their ratio; the targets are rps within 15% of the empty
// database and the list pages' p99 under 50 ms.
//   token: client_credentials, the same client over and over (50 connections).
//   introspection: one valid token introspected over and over (50 connections).
//   code: every request exchanges a distinct, pre-inserted code (50 connections).
//   refresh: every request spends a distinct, pre-inserted refresh token (50 connections).
//   list cases (GET /admin/v1/tokens by client and by user, first page and the next one through
//   its cursor; GET /admin/v1/audit, the same): 4 connections, so that p99 is the query's, not a
//   queue's.
// Usage: npm run bench:fill -- --rows 1m [--audit 1m]   (BENCH_DURATION s per case, default 8;
// BENCH_PG_URL: the server to create the database on; FILL_KEEP=1 keeps the database and prints its URL;
// FILL_HOLD=<file>: the filled phase waits while that file exists)
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { hashOpaqueValue } from '../dist/apps/auth-server/src/common/opaque-value.js';
import {
  fillAudit,
  fillGrants,
  HEAVY_CLIENT,
  HEAVY_USER,
  LIGHT_CLIENT,
  LIGHT_USER,
  parseCount,
  seedPopulation,
  settle,
  tableSizes,
  withSecondaryIndexesRebuilt,
} from './fill-data.js';
import { childServer, freshDatabase, measure, runBench, writeResults } from './lib.js';
import { loadavg } from 'node:os';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1m' }, audit: { type: 'string', default: '1m' } } });
const GRANT_ROWS = parseCount(args.rows);
const AUDIT_ROWS = parseCount(args.audit);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const LIST_CONNECTIONS = 4;
/** Enough single-use codes and refresh tokens for a warm-up and a measured run well above the rate seen here. */
const SINGLE_USE = Number(process.env.BENCH_CODES ?? 5000 * (WARMUP + DURATION));
const RPS_TARGET = 0.85;
const LIST_P99_TARGET_MS = 50;
const REDIRECT_URI = 'https://bench.example/callback';

const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const formHeaders = (authorization) => ({ 'content-type': 'application/x-www-form-urlencoded', authorization });

async function insertClient(db, clientId, grants) {
  const secret = randomBytes(32).toString('base64url');
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants, redirect_uris, refresh_count_mode)
     VALUES ($1, $1, '1', 'confidential', $2, $3, $4, 'unlimited') RETURNING id`,
    [clientId, hashClientSecret(secret), JSON.stringify(grants), JSON.stringify([REDIRECT_URI])],
  );
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'bench.read')`, [rows[0].id]);
  return { id: rows[0].id, clientId, authorization: basic(clientId, secret) };
}

/** `count` codes stored as AuthorizationCodesService.issue stores them; each one's token-request body. */
async function insertCodes(db, client, userId, count) {
  const bodies = [];
  for (let start = 0; start < count; start += 5000) {
    const hashes = [];
    const challenges = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const code = randomBytes(32).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      hashes.push(hashOpaqueValue(code));
      challenges.push(createHash('sha256').update(verifier).digest('base64url'));
      bodies.push(`grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${verifier}`);
    }
    await db.query(
      `INSERT INTO authorization_codes (code_hash, client_ref, user_id, redirect_uri, redirect_uri_sent, scopes, code_challenge, expires_at)
       SELECT h, $3, $4, $5, true, '["bench.read"]', c, now() + interval '1 hour' FROM unnest($1::text[], $2::text[]) AS t(h, c)`,
      [hashes, challenges, client.id, userId, REDIRECT_URI],
    );
  }
  return bodies;
}

/** `count` live grants with a refresh token each (unlimited refreshes), as a code exchange leaves them; each one's refresh body. */
async function insertRefreshGrants(db, client, user, count) {
  const bodies = [];
  for (let start = 0; start < count; start += 5000) {
    const hashes = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const token = randomBytes(32).toString('base64url');
      hashes.push(createHash('sha256').update(token, 'utf8').digest('base64url'));
      bodies.push(`grant_type=refresh_token&refresh_token=${token}`);
    }
    await db.query(
      `INSERT INTO grants (client_ref, client_id, user_id, username, grant_type, scopes, access_expires_at, refresh_token_hash, refresh_unlimited)
       SELECT $2, $3, $4, $5, 'authorization_code', '["bench.read"]', now() + interval '1 hour', h, true FROM unnest($1::text[]) AS t(h)`,
      [hashes, client.id, client.clientId, user.id, user.username],
    );
  }
  return bodies;
}

/** autocannon options sending each body once, in order (past the last one, a body that fails). */
function eachOnce(bodies, url, authorization) {
  let next = 0;
  return {
    url,
    requests: [
      { method: 'POST', headers: formHeaders(authorization), setupRequest: (request) => ({ ...request, body: bodies[next++] ?? 'grant_type=exhausted' }) },
    ],
  };
}

/** measure(), plus the app's CPU per request (it hardly moves when other jobs load the machine) and the load average. */
async function measureCase(app, name, options, connections) {
  if (WARMUP > 0) await measure(`${name} (warm-up)`, options(), WARMUP);
  const before = (await app.rss()).cpuMicros;
  const row = await measure(name, { ...options(), ...(connections ? { connections } : {}) }, DURATION);
  const cpu = (await app.rss()).cpuMicros - before;
  return { ...row, cpuMicrosPerRequest: Math.round(cpu / Math.max(1, row.requests)), load1: +loadavg()[0].toFixed(2) };
}

async function getJson(url, authorization) {
  const response = await fetch(url, { headers: { authorization } });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Every case, in the database's current state. */
async function measurePhase(context, phase) {
  const { app, db, cc, codeClient, benchUser, admin } = context;
  console.log(`\n== ${phase} ==`);
  const tokenUrl = `${app.url}/oauth/token`;
  const results = [];
  const add = (key, row) => results.push({ key, phase, ...row });

  add(
    'token',
    await measureCase(app, 'client_credentials', () => ({
      url: tokenUrl,
      method: 'POST',
      headers: formHeaders(cc.authorization),
      body: 'grant_type=client_credentials',
    })),
  );
  const issued = await fetch(tokenUrl, { method: 'POST', headers: formHeaders(cc.authorization), body: 'grant_type=client_credentials' }).then((r) => r.json());
  add(
    'introspection',
    await measureCase(app, 'introspection', () => ({
      url: `${app.url}/oauth/introspect`,
      method: 'POST',
      headers: formHeaders(cc.authorization),
      body: `token=${issued.access_token}`,
    })),
  );

  const codes = await insertCodes(db, codeClient, benchUser.id, SINGLE_USE);
  const codeWarm = codes.splice(0, Math.floor(codes.length * (WARMUP / (WARMUP + DURATION))));
  add(
    'code',
    await measureCase(app, 'authorization_code exchange', () => eachOnce(codeWarm.length ? codeWarm.splice(0) : codes, tokenUrl, codeClient.authorization)),
  );

  const refreshes = await insertRefreshGrants(db, codeClient, benchUser, SINGLE_USE);
  const refreshWarm = refreshes.splice(0, Math.floor(refreshes.length * (WARMUP / (WARMUP + DURATION))));
  add(
    'refresh',
    await measureCase(app, 'refresh_token', () => eachOnce(refreshWarm.length ? refreshWarm.splice(0) : refreshes, tokenUrl, codeClient.authorization)),
  );

  const lists = [
    ['tokens by client', `/admin/v1/tokens?clientId=${HEAVY_CLIENT}`],
    ['tokens by user', `/admin/v1/tokens?username=${HEAVY_USER}`],
    ['tokens by small client', `/admin/v1/tokens?clientId=${LIGHT_CLIENT}`],
    ['tokens by light user', `/admin/v1/tokens?username=${LIGHT_USER}`],
    ['tokens, all', `/admin/v1/tokens`],
    ['audit', `/admin/v1/audit`],
  ];
  for (const [name, path] of lists) {
    const first = await getJson(`${app.url}${path}`, admin);
    if (first.items.length < 50 || !first.nextCursor)
      throw new Error(`${name}: expected a full first page with a next cursor, got ${first.items.length} items`);
    add(`${name} p1`, await measureCase(app, `${name}, first page`, () => ({ url: `${app.url}${path}`, headers: { authorization: admin } }), LIST_CONNECTIONS));
    const separator = path.includes('?') ? '&' : '?';
    const next = `${path}${separator}cursor=${first.nextCursor}`;
    add(`${name} p2`, await measureCase(app, `${name}, next page`, () => ({ url: `${app.url}${next}`, headers: { authorization: admin } }), LIST_CONNECTIONS));
  }
  for (const row of results) if (row.non2xx > 0) console.warn(`${row.name}: ${row.non2xx} non-2xx responses`);
  return results;
}

/** The empty database's seed: one page and more of grants for each filtered client and user, so that every list has a next page. */
async function seedLists(db) {
  await db.query(
    `INSERT INTO grants (client_ref, client_id, user_id, username, grant_type, scopes, access_expires_at, created_at)
     SELECT c.id, c.client_id, u.id, u.username, 'authorization_code', '["bench.read"]', now() - i * interval '1 minute' + interval '1 hour', now() - i * interval '1 minute'
     FROM generate_series(1, 120) i, clients c, users u WHERE (c.client_id, u.username) IN (($1, $2), ($3, $4))`,
    [HEAVY_CLIENT, HEAVY_USER, LIGHT_CLIENT, LIGHT_USER],
  );
  await db.query(
    `INSERT INTO audit_events (occurred_at, actor, actor_type, action, target_type, target_id, details)
     SELECT now() - i * interval '1 minute', $1, 'user', 'login.succeeded', 'user', $1, '{}' FROM generate_series(1, 120) i`,
    [HEAVY_USER],
  );
}

function report(results) {
  const table = {};
  const checks = [];
  for (const empty of results.filter((row) => row.phase === 'empty')) {
    const filled = results.find((row) => row.phase === 'filled' && row.key === empty.key);
    const isList = / p[12]$/.test(empty.key);
    const ratio = +(filled.rps / empty.rps).toFixed(2);
    const cpuRatio = +(filled.cpuMicrosPerRequest / empty.cpuMicrosPerRequest).toFixed(2);
    const pass = ratio >= RPS_TARGET && (!isList || filled.p99 < LIST_P99_TARGET_MS);
    checks.push(pass);
    table[empty.name] = {
      'empty rps': empty.rps,
      'filled rps': filled.rps,
      ratio,
      'p99 empty ms': empty.p99,
      'p99 filled ms': filled.p99,
      'CPU us/req empty': empty.cpuMicrosPerRequest,
      'CPU us/req filled': filled.cpuMicrosPerRequest,
      'CPU ratio': cpuRatio,
      load: `${empty.load1} / ${filled.load1}`,
      check: pass ? 'PASS' : 'FAIL',
    };
  }
  console.table(table);
  return { table, pass: checks.every(Boolean) };
}

async function main() {
  const database = await freshDatabase('portcullis_fill');
  const adminPassword = randomBytes(12).toString('base64url');
  let app;
  let db;
  try {
    app = await childServer('auth', {
      BENCH_AUTH_DATABASE_URL: database.url,
      BENCH_ADMIN_PASSWORD: adminPassword,
      BENCH_AUTH_ENV: JSON.stringify({ RETENTION_INTERVAL_SECONDS: '0' }),
    });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await seedPopulation(db);
    const cc = await insertClient(db, `bench-cc-${randomBytes(3).toString('hex')}`, ['client_credentials']);
    const codeClient = await insertClient(db, `bench-code-${randomBytes(3).toString('hex')}`, ['authorization_code']);
    const { rows } = await db.query(`INSERT INTO users (username, password_hash) VALUES ('bench-user', 'not-a-login') RETURNING id, username`);
    await seedLists(db);
    await settle(db);
    const context = { app, db, cc, codeClient, benchUser: rows[0], admin: basic('admin', adminPassword) };
    const results = await measurePhase(context, 'empty');

    console.log(`\nfilling: ${GRANT_ROWS.toLocaleString('en')} grants, ${AUDIT_ROWS.toLocaleString('en')} audit events`);
    const fillStarted = Date.now();
    const rebuilt = await withSecondaryIndexesRebuilt(db, 'grants', () =>
      fillGrants(db, GRANT_ROWS, { onChunk: ({ rows, seconds }) => console.log(`  grants: ${rows.toLocaleString('en')} (${seconds.toFixed(0)} s)`) }),
    );
    console.log(`  grants' indexes built again: ${rebuilt.join(', ')} (${Math.round((Date.now() - fillStarted) / 1000)} s so far)`);
    await withSecondaryIndexesRebuilt(db, 'audit_events', () =>
      fillAudit(db, AUDIT_ROWS, { onChunk: ({ rows, seconds }) => console.log(`  audit events: ${rows.toLocaleString('en')} (${seconds.toFixed(0)} s)`) }),
    );
    await settle(db);
    const fillSeconds = Math.round((Date.now() - fillStarted) / 1000);
    const sizes = await tableSizes(db);
    console.log(`filled in ${fillSeconds} s: ${sizes.map((row) => `${row.table} ${Number(row.rows).toLocaleString('en')} rows, ${row.size}`).join('; ')}`);

    // FILL_HOLD=<file>: the filled phase waits while that file exists, so that a long fill can
    // share the machine with other work and still be measured on a quiet one.
    while (process.env.FILL_HOLD && existsSync(process.env.FILL_HOLD)) await new Promise((resolve) => setTimeout(resolve, 5000));
    results.push(...(await measurePhase(context, 'filled')));
    const { table, pass } = report(results);
    const date = new Date().toISOString().replace(/[:.]/g, '-');
    const file = writeResults(`-fill-${args.rows}`, {
      date,
      node: process.version,
      grantRows: GRANT_ROWS,
      auditRows: AUDIT_ROWS,
      durationSeconds: DURATION,
      fillSeconds,
      sizes,
      targets: { rpsRatio: RPS_TARGET, listP99Ms: LIST_P99_TARGET_MS },
      table,
      results,
    });
    console.log(
      `${pass ? 'PASS' : 'FAIL'}: every case within ${Math.round((1 - RPS_TARGET) * 100)}% of the empty database's rps, list pages' p99 under ${LIST_P99_TARGET_MS} ms`,
    );
    console.log(`written ${file}`);
  } finally {
    await db?.end();
    if (app) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await app.exit('close');
    }
    if (process.env.FILL_KEEP) console.log(`kept ${database.url}`);
    else await database.drop();
  }
}

runBench(main);
