// Load benchmark (SECURITY-CHECKLIST §4): the real auth server on a real PostgreSQL, over
// loopback, against three bare node:http baselines in the same run, so the ratios say what the
// framework, the database and the signature cost. Bounded: ~10 s per case, 50 connections.
// Usage: npm run bench   (DATABASE_URL to reuse a database; else a fresh one on BENCH_PG_URL)
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createAuthServer } from '../dist/apps/auth-server/src/bootstrap.js';
import { loadAuthServerConfig } from '../dist/apps/auth-server/src/config/auth-server.config.js';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { CONNECTIONS, DURATION_SECONDS, freshDatabase, measure } from './lib.js';

async function createBenchClient(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const clientId = `bench-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants) VALUES ($1, $1, '1', 'confidential', $2, '["client_credentials"]') RETURNING id`,
    [clientId, hashClientSecret(secret)],
  );
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'bench.read')`, [rows[0].id]);
  await db.end();
  return { clientId, secret, authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` };
}

/** A bare node:http server answering with `handler`'s JSON. */
async function bareServer(handler) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', async () => {
      const body = JSON.stringify(await handler());
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function main() {
  const database = await freshDatabase();
  const config = loadAuthServerConfig(
    { LOG_LEVEL: 'error', ADMIN_PASSWORD: randomBytes(12).toString('base64url') },
    { databaseUrl: database.url, port: 0, host: '127.0.0.1' },
  );
  const app = await createAuthServer(config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const sampleJwt = await new SignJWT({ scope: 'bench.read' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  const bare = {
    json: await bareServer(() => ({ ok: true })),
    sign: await bareServer(async () => ({
      access_token: await new SignJWT({ scope: 'bench.read' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    })),
    verify: await bareServer(async () => ({ active: Boolean(await jwtVerify(sampleJwt, publicKey)) })),
  };
  const results = [];
  try {
    const client = await createBenchClient(database.url);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: client.authorization } };
    const issued = await (await fetch(`${base}/oauth/token`, { ...form, body: 'grant_type=client_credentials' })).json();
    // BENCH_CASES=token,introspection (for example) runs only those: profiling one path at a time.
    const only = process.env.BENCH_CASES?.split(',');
    const cases = [
      ['json', 'bare node:http fixed JSON', { url: bare.json.url }],
      ['sign', 'bare node:http ES256 sign', { url: bare.sign.url }],
      ['verify', 'bare node:http ES256 verify', { url: bare.verify.url }],
      ['token', 'app client_credentials', { url: `${base}/oauth/token`, ...form, body: 'grant_type=client_credentials' }],
      ['introspection', 'app introspection', { url: `${base}/oauth/introspect`, ...form, body: `token=${issued.access_token}` }],
    ];
    for (const [key, name, options] of cases) if (!only || only.includes(key)) results.push(await measure(name, options));
  } finally {
    // Let requests still in flight when autocannon stopped finish before the pool closes.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await app.close();
    await Promise.all(Object.values(bare).map((server) => server.close()));
    await database.drop();
  }
  const byName = Object.fromEntries(results.map((row) => [row.name, row]));
  if (results.length < 5) return;
  const ratios = {
    tokenVsBareSign: +(byName['app client_credentials'].rps / byName['bare node:http ES256 sign'].rps).toFixed(3),
    introspectionVsBareVerify: +(byName['app introspection'].rps / byName['bare node:http ES256 verify'].rps).toFixed(3),
    tokenVsBareJson: +(byName['app client_credentials'].rps / byName['bare node:http fixed JSON'].rps).toFixed(3),
  };
  console.table(ratios);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}.json`, import.meta.url);
  writeFileSync(
    file,
    JSON.stringify({ date, node: process.version, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, results, ratios }, null, 2) + '\n',
  );
  console.log(`written ${file.pathname}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
