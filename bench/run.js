// Load benchmark (SECURITY-CHECKLIST §4): the real auth server on a real PostgreSQL, over
// loopback, against three bare node:http baselines in the same run, so the ratios say what the
// framework, the database and the signature cost. Every server (the app and each baseline) runs
// in its own child process (bench/server-child.js) and autocannon here, so all are measured the
// same way: warm-up, then BENCH_DURATION s (default 10), 50 connections.
//   client_credentials: the same client over and over (each request a new token and grant row);
//   and the same with `resource` (RFC 8707, issue 16), right after it in each round: within 10%.
//   client_credentials with private_key_jwt (RFC 7523, issue 17): the same grant, the client
//   authenticated by an ES256 assertion (a distinct jti each, signed beforehand so that the
//   signing is not measured), right after the secret case in each round: at least 60% of its rps;
//   then the same with RS256 assertions (the alg most private_key_jwt clients use), reported beside it.
//   introspection: one valid token introspected over and over.
//   authorization_code: every request exchanges a distinct, valid code (PKCE S256, pre-created
//   rows stored hashed as the app stores them) and must get 200.
//   oidc (issue 15): the same exchange with `openid` (codes with a nonce and auth_time, so each
//   answer carries an RS256 id token), right after the plain one, its ratio to it
//   reported; and GET /oauth/authorize answered by an existing browser session and a remembered
//   consent (a 302 with a new code), the step before.
//   flow (issue 15's check): the whole code flow the issue names, authorize answered by a session
//   then the exchange, chained per connection, plain then with openid, BENCH_FLOW_ROUNDS (3)
//   pairs: the id token may cost at most 25% of the flow's throughput (median ratio).
//   device (issue 17): 100, then 1,000 waiting devices polling every 5 s (bench/device.js): the
//   app's and PostgreSQL's CPU and the database's statements per poll must stay flat.
// Usage: npm run bench   (DATABASE_URL to reuse a database; else a fresh one on BENCH_PG_URL;
// BENCH_CASES=token,code to run some cases; BENCH_ROUNDS (default 5) paired rounds;
// BENCH_AUTH_NODE_FLAGS='--cpu-prof' to profile the app; BENCH_PIN=1 each server on one core, see
// lib.js: `npm run bench:one-core` is issue 19's check, written to results/<date>-one-core.json)
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { hashOpaqueValue } from '../dist/apps/auth-server/src/common/opaque-value.js';
import { measureDevicePolling } from './device.js';
import {
  childServer,
  CONNECTIONS,
  DURATION_SECONDS,
  freshDatabase,
  measure,
  median,
  pairedRatio,
  pinDatabaseBackends,
  PINNED,
  postgresCpuBetween,
  postgresCpuSample,
} from './lib.js';

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 2);
/** Enough distinct codes for the warm-up and the measured run at well above the expected rate. */
const CODES = Number(process.env.BENCH_CODES ?? 6000 * (WARMUP_SECONDS + DURATION_SECONDS));
const REDIRECT_URI = 'https://bench.example/callback';
const AUTH_FLAGS = (process.env.BENCH_AUTH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/**
 * Before the first round the app answers client_credentials for this long, measured and kept
 * apart (`settle` in the results file), so that the rounds compare it in its steady state with
 * baselines in theirs. A bare baseline is a few lines, warm within its 2 s warm-up; the freshly
 * started app kept getting faster for tens of seconds (most likely V8's optimizing tiers over a
 * deep stack, and each pooled connection preparing its statements): in session 23's one-core runs
 * without it, the app's CPU per token fell from 66 to 59 µs and PostgreSQL's from 35 to 24 µs
 * between rounds 1 and 5, while the bare signer's stayed at 52-56 µs. 0 turns it off.
 */
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE ?? 20);
/** Baseline/app pairs measured back to back, this many times over (see pairedRounds). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NAMES = {
  json: 'bare node:http fixed JSON',
  sign: 'bare node:http ES256 sign',
  verify: 'bare node:http ES256 verify',
  token: 'app client_credentials',
  tokenResource: 'app client_credentials with resource',
  tokenPrivateKeyJwt: 'app client_credentials with private_key_jwt',
  tokenPrivateKeyJwtRs256: 'app client_credentials with private_key_jwt, RS256',
  introspection: 'app introspection',
  code: 'app authorization_code exchange',
  oidcCode: 'app authorization_code exchange, openid (id token)',
  sessionAuthorize: 'app authorize with a session (302 with a code)',
  codeFlow: 'app code flow (session authorize + exchange)',
  oidcCodeFlow: 'app code flow with openid (id token)',
};
/** A registered resource, owning bench.read: the `resource` of the tokenResource case. */
const BENCH_RESOURCE = 'https://bench.example/api';
/** client_credentials with a resource over without: at or above this (issue 16). */
const RESOURCE_TARGET_RATIO = 0.9;
/** client_credentials with private_key_jwt over with a client secret: at or above this (issue 17). */
const PRIVATE_KEY_JWT_TARGET_RATIO = 0.6;
/** The assertions' algs, each its own case: ES256 (checked, as since the case began) and RS256 (reported). */
const ASSERTION_ALGS = ['ES256', 'RS256'];
/** Assertions signed at once while preparing a case. */
const SIGNING_BATCH = 256;
/** Assertions signed ahead of a run: enough for the warm-up and the measured part at well above the expected rate. */
const ASSERTIONS = Number(process.env.BENCH_ASSERTIONS ?? 10000 * (WARMUP_SECONDS + DURATION_SECONDS));

/** The openid exchange's rps over the plain exchange's must stay at or above this (issue 15). */
const OIDC_CODE_TARGET_RATIO = 0.75;
/** Plain/openid pairs of the whole code flow (issue 15's check is their median ratio). */
const FLOW_ROUNDS = Number(process.env.BENCH_FLOW_ROUNDS ?? 3);

const basic = (clientId, secret) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** A confidential client with `bench.read` and `extra.scopes` (which must exist: `openid` does from the first start). */
async function insertClient(db, grants, extra = {}) {
  const clientId = `bench-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants, redirect_uris, refresh_count_mode, token_endpoint_auth_method, jwks)
     VALUES ($1, $1, '1', 'confidential', $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      clientId,
      hashClientSecret(secret),
      JSON.stringify(grants),
      JSON.stringify(extra.redirectUris ?? []),
      extra.refreshCountMode ?? 'limited',
      extra.jwks ? 'private_key_jwt' : 'client_secret_basic',
      extra.jwks ? JSON.stringify(extra.jwks) : null,
    ],
  );
  for (const scope of ['bench.read', ...(extra.scopes ?? [])]) {
    await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, $2)`, [rows[0].id, scope]);
  }
  return { id: rows[0].id, clientId, authorization: basic(clientId, secret) };
}

/**
 * `count` codes of one client and user, inserted as AuthorizationCodesService.issue stores them
 * (SHA-256 hash of a 256-bit value, S256 challenge, redirect_uri sent); returns each code's
 * token-request body. `openid`: codes of an OpenID request (a nonce, auth_time, scope openid and
 * offline_access, which an OIDC client needs for a refresh token, as the plain exchange gets one).
 */
async function insertCodes(db, client, count, { openid = false } = {}) {
  const { rows } = await db.query(`INSERT INTO users (username, password_hash) VALUES ($1, 'not-a-login') RETURNING id`, [
    `bench-user-${randomBytes(3).toString('hex')}`,
  ]);
  const bodies = [];
  const redirect = encodeURIComponent(REDIRECT_URI);
  for (let start = 0; start < count; start += 5000) {
    const hashes = [];
    const challenges = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const code = randomBytes(32).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      hashes.push(hashOpaqueValue(code));
      challenges.push(createHash('sha256').update(verifier).digest('base64url'));
      bodies.push(`grant_type=authorization_code&code=${code}&redirect_uri=${redirect}&code_verifier=${verifier}`);
    }
    await db.query(
      `INSERT INTO authorization_codes (code_hash, client_ref, user_id, redirect_uri, redirect_uri_sent, scopes, code_challenge, expires_at, nonce, auth_time)
       SELECT h, $3, $4, $5, true, $6, c, now() + interval '1 hour', $7, $8 FROM unnest($1::text[], $2::text[]) AS t(h, c)`,
      [
        hashes,
        challenges,
        client.id,
        rows[0].id,
        REDIRECT_URI,
        JSON.stringify(openid ? ['openid', 'offline_access', 'bench.read'] : ['bench.read']),
        openid ? randomBytes(16).toString('base64url') : null,
        openid ? new Date() : null,
      ],
    );
  }
  return bodies;
}

/** autocannon options that send each body once, in order; past the last one, a code that fails. */
function eachOnce(bodies, url, authorization) {
  let next = 0;
  // No authorization: the body authenticates the client (a client assertion).
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) };
  return {
    url,
    requests: [
      { method: 'POST', headers, setupRequest: (request) => ({ ...request, body: bodies[next++] ?? 'grant_type=authorization_code&code=exhausted' }) },
    ],
  };
}

/**
 * `measure`, plus the server process's CPU time per request (user + system, all its threads): a
 * figure that, unlike rps, hardly moves when other jobs load the machine.
 */
async function measureWithCpu(server, name, options, duration) {
  const before = (await server.rss()).cpuMicros;
  const databaseBefore = postgresCpuSample();
  const row = await measure(name, options, duration);
  const cpuMicros = (await server.rss()).cpuMicros - before;
  const databaseMicros = postgresCpuBetween(databaseBefore, postgresCpuSample());
  const result = {
    ...row,
    serverCpuMicrosPerRequest: Math.round(cpuMicros / row.requests),
    serverCores: +(cpuMicros / 1e6 / (duration ?? DURATION_SECONDS)).toFixed(2),
    databaseCpuMicrosPerRequest: databaseMicros === null ? null : Math.round(databaseMicros / row.requests),
  };
  const database = result.databaseCpuMicrosPerRequest === null ? '' : `; PostgreSQL ${result.databaseCpuMicrosPerRequest} us/request`;
  console.log(`${''.padEnd(32)} server CPU ${result.serverCpuMicrosPerRequest} us/request, ${result.serverCores} cores${database}`);
  return result;
}

/**
 * A short discarded run first (JIT, pools, caches), then the measured one. A server with a
 * `database` (the app's, startApp): under BENCH_PIN its backends move off the server's CPU first.
 */
async function warmThenMeasure(server, key, options) {
  if (WARMUP_SECONDS > 0) await measure(`${NAMES[key]} (warm-up)`, options(), WARMUP_SECONDS);
  // The app's pool opened its connections during the warm-up.
  if (server.database) await pinDatabaseBackends(server.database);
  return measureWithCpu(server, NAMES[key], options());
}

/** A bare baseline in a child process of its own, started for this one measurement. */
async function measureBare(key, mode) {
  const server = await childServer(mode);
  try {
    return await warmThenMeasure(server, key, () => ({ url: server.url }));
  } finally {
    await server.stop();
  }
}

/** The app child on `database`, with what its cases need: a client_credentials client and one of its tokens. */
async function startApp(database) {
  const adminPassword = randomBytes(12).toString('base64url');
  const app = await childServer('auth', { BENCH_AUTH_DATABASE_URL: database.url, BENCH_ADMIN_PASSWORD: adminPassword }, AUTH_FLAGS);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  app.database = db;
  const cc = await insertClient(db, ['client_credentials']);
  // One client, a key per alg its assertions are measured with (the kid picks the key).
  const privateKeys = {};
  const jwks = { keys: [] };
  for (const alg of ASSERTION_ALGS) {
    const keys = await generateKeyPair(alg, alg.startsWith('RS') ? { modulusLength: 2048 } : {});
    privateKeys[alg] = keys.privateKey;
    jwks.keys.push({ ...(await exportJWK(keys.publicKey)), kid: `bench-${alg}`, alg });
  }
  const pkj = { ...(await insertClient(db, ['client_credentials'], { jwks })), privateKeys };
  const { rows: resource } = await db.query(`INSERT INTO resources (identifier, name) VALUES ($1, 'bench') RETURNING id`, [BENCH_RESOURCE]);
  await db.query(`INSERT INTO resource_scopes (resource_id, scope_name) VALUES ($1, 'bench.read')`, [resource[0].id]);
  await db.query('UPDATE resource_catalog_version SET version = version + 1');
  const tokenUrl = `${app.url}/oauth/token`;
  const issued = await fetch(tokenUrl, { ...form(cc.authorization), body: 'grant_type=client_credentials' });
  if (issued.status !== 200) throw new Error(`client_credentials: ${issued.status} ${await issued.text()}`);
  const { access_token: accessToken } = await issued.json();
  return { app, db, cc, pkj, tokenUrl, accessToken, adminPassword };
}

const form = (authorization) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
});

/** A client_credentials request of the bench's client (autocannon options). */
const clientCredentials = ({ cc, tokenUrl }) => ({ url: tokenUrl, ...form(cc.authorization), body: 'grant_type=client_credentials' });

/** The app's settling run (SETTLE_SECONDS), with its CPU per token: what a cold app does, kept out of the rounds. */
async function measureSettling(running) {
  if (running.app.database) await pinDatabaseBackends(running.app.database);
  return measureWithCpu(running.app, `${NAMES.token} (settling, ${SETTLE_SECONDS} s)`, clientCredentials(running), SETTLE_SECONDS);
}

function measureToken(running) {
  return warmThenMeasure(running.app, 'token', () => clientCredentials(running));
}

function measureTokenWithResource({ app, cc, tokenUrl }) {
  const body = `grant_type=client_credentials&resource=${encodeURIComponent(BENCH_RESOURCE)}`;
  return warmThenMeasure(app, 'tokenResource', () => ({ url: tokenUrl, ...form(cc.authorization), body }));
}

/** Bodies of `count` client_credentials requests, each with its own `alg` assertion (distinct jti, aud the issuer). */
async function assertionBodies({ app, pkj }, count, alg) {
  // The child's issuer is its configured one, not the loopback URL it is reached at.
  const { issuer } = await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json();
  const now = Math.floor(Date.now() / 1000);
  const assertion = () =>
    new SignJWT({ jti: randomBytes(12).toString('base64url') })
      .setProtectedHeader({ alg, kid: `bench-${alg}` })
      .setIssuer(pkj.clientId)
      .setSubject(pkj.clientId)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 290)
      .sign(pkj.privateKeys[alg]);
  const bodies = [];
  // Signed a batch at a time: jose signs on WebCrypto, off the main thread, so an RSA batch uses every core.
  for (let i = 0; i < count; i += SIGNING_BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(SIGNING_BATCH, count - i) }, assertion));
    for (const jwt of batch)
      bodies.push(
        `grant_type=client_credentials&client_assertion_type=${encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion=${jwt}`,
      );
  }
  return bodies;
}

/** client_credentials authenticated by private_key_jwt; the assertions are signed before the clock starts and each is sent once. */
async function measureTokenPrivateKeyJwt(context, key, alg) {
  const { app, tokenUrl } = context;
  const bodies = await assertionBodies(context, ASSERTIONS, alg);
  const first = await fetch(tokenUrl, { ...form(undefined), body: bodies.shift() });
  if (first.status !== 200) throw new Error(`${NAMES[key]}: ${first.status} ${await first.text()}`);
  const warm = bodies.splice(0, Math.floor(bodies.length * (WARMUP_SECONDS / (WARMUP_SECONDS + DURATION_SECONDS))));
  if (WARMUP_SECONDS > 0) await measure(`${NAMES[key]} (warm-up)`, eachOnce(warm, tokenUrl, undefined), WARMUP_SECONDS);
  const row = await measureWithCpu(app, NAMES[key], eachOnce(bodies, tokenUrl, undefined));
  if (row.non2xx > 0) console.warn(`${NAMES[key]}: ${row.non2xx} non-2xx responses (assertions exhausted? BENCH_ASSERTIONS=${ASSERTIONS})`);
  return row;
}

function measureIntrospection({ app, cc, accessToken }) {
  return warmThenMeasure(app, 'introspection', () => ({ url: `${app.url}/oauth/introspect`, ...form(cc.authorization), body: `token=${accessToken}` }));
}

/** Distinct codes exchanged, each once; `openid`: each answer must carry an id token. */
async function measureCodeExchange({ app, db, tokenUrl }, { key = 'code', openid = false } = {}) {
  const client = await insertClient(db, ['authorization_code'], {
    redirectUris: [REDIRECT_URI],
    refreshCountMode: 'unlimited',
    scopes: openid ? ['openid', 'offline_access'] : [],
  });
  const bodies = await insertCodes(db, client, CODES, { openid });
  const first = await fetch(tokenUrl, { ...form(client.authorization), body: bodies.shift() });
  const answer = first.status === 200 ? await first.json() : {};
  if (!answer.refresh_token || (openid && !answer.id_token)) throw new Error(`${NAMES[key]}: ${first.status}`);
  const warm = bodies.splice(0, Math.floor(bodies.length * (WARMUP_SECONDS / (WARMUP_SECONDS + DURATION_SECONDS))));
  if (WARMUP_SECONDS > 0) await measure(`${NAMES[key]} (warm-up)`, eachOnce(warm, tokenUrl, client.authorization), WARMUP_SECONDS);
  const row = await measureWithCpu(app, NAMES[key], eachOnce(bodies, tokenUrl, client.authorization));
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM grants WHERE client_ref = $1 AND authorization_code_hash IS NOT NULL`, [client.id]);
  if (row.non2xx > 0) console.warn(`${NAMES[key]}: ${row.non2xx} non-2xx responses (codes exhausted? BENCH_CODES=${CODES})`);
  return { ...row, codesExchanged: rows[0].n };
}

/**
 * GET /oauth/authorize from a browser that signed in once (a real login through the pages, then
 * "allow", which remembers the consent): each request is answered by the session at once, a 302
 * to the client carrying a new code. autocannon follows no redirects: every 302 is the answer.
 */
async function measureSessionAuthorize({ app, db, adminPassword }) {
  const client = await insertClient(db, ['authorization_code'], { redirectUris: [REDIRECT_URI], scopes: ['openid'] });
  const { authorizeUrl, session } = await signedInAuthorization(app, adminPassword, client, 'openid bench.read');
  return warmThenMeasure(app, 'sessionAuthorize', () => ({ url: authorizeUrl, headers: { cookie: session } }));
}

/** The PKCE verifier of every session-answered authorization request (their codes are exchanged with it). */
const SESSION_VERIFIER = 'bench-verifier-'.repeat(4);
const codeOf = (location) => (location ? new URL(location).searchParams.get('code') : null);

/**
 * An authorization request of `client` for `scope` (with a nonce when it asks for openid), a browser
 * session signed in through the real pages for it (the consent remembered), and a first request
 * checked to be answered by that session with a code.
 */
async function signedInAuthorization(app, adminPassword, client, scope) {
  const query = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope,
    state: 'bench',
    ...(scope.split(' ').includes('openid') ? { nonce: 'bench' } : {}),
    code_challenge: createHash('sha256').update(SESSION_VERIFIER).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorizeUrl = `${app.url}/oauth/authorize?${query}`;
  const session = await signInThroughPages(app, authorizeUrl, adminPassword);
  const check = await fetch(authorizeUrl, { redirect: 'manual', headers: { cookie: session } });
  const code = check.status === 302 ? codeOf(check.headers.get('location')) : null;
  if (!code) throw new Error(`authorize with a session: ${check.status}`);
  return { authorizeUrl, path: `/oauth/authorize?${query}`, session, code };
}

/**
 * The whole code flow as the issue names it (issue 15): GET /oauth/authorize answered by an
 * existing browser session and a remembered consent (302 with a new code), then that code
 * exchanged at the token endpoint; one flow is those two requests, chained by autocannon on each
 * connection. `openid`: the request asks for `openid offline_access` with a nonce, so the exchange
 * answers an RS256 id token too; without it, the same flow for plain OAuth (`bench.read`, a refresh
 * token all the same). The pair's rps ratio is what the id token costs of the flow's throughput.
 * Flow latency (authorize sent → tokens received) is timed here, as autocannon's is per request.
 */
async function measureCodeFlow({ app, db, adminPassword, tokenUrl }, { key, openid }) {
  const client = await insertClient(db, ['authorization_code'], {
    redirectUris: [REDIRECT_URI],
    refreshCountMode: 'unlimited',
    scopes: openid ? ['openid', 'offline_access'] : [],
  });
  const { path, session, code } = await signedInAuthorization(app, adminPassword, client, openid ? 'openid offline_access bench.read' : 'bench.read');
  const exchangeBody = (authorizationCode) =>
    `grant_type=authorization_code&code=${authorizationCode}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${SESSION_VERIFIER}`;
  const first = await fetch(tokenUrl, { ...form(client.authorization), body: exchangeBody(code) });
  const answer = first.status === 200 ? await first.json() : {};
  if (!answer.refresh_token || Boolean(answer.id_token) !== openid) throw new Error(`${NAMES[key]}: token ${first.status}`);
  const run = async (name, duration) => {
    const flows = [];
    let failed = 0;
    const options = {
      url: app.url,
      requests: [
        {
          method: 'GET',
          path,
          headers: { cookie: session },
          setupRequest: (request, context) => {
            context.started = performance.now();
            return request;
          },
          onResponse: (status, _body, context, headers) => {
            context.code = status === 302 ? codeOf(headers.location) : null;
            if (!context.code) failed++;
          },
        },
        {
          method: 'POST',
          path: '/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: client.authorization },
          setupRequest: (request, context) => ({ ...request, body: exchangeBody(context.code ?? 'none') }),
          onResponse: (status, _body, context) => {
            if (status === 200) flows.push(performance.now() - context.started);
            else failed++;
          },
        },
      ],
    };
    const row = name ? await measureWithCpu(app, name, options) : await measure(`${NAMES[key]} (warm-up)`, options, duration);
    return { row, flows, failed };
  };
  if (WARMUP_SECONDS > 0) await run(undefined, WARMUP_SECONDS);
  const { row, flows, failed } = await run(NAMES[key]);
  flows.sort((a, b) => a - b);
  const at = (q) => +(flows[Math.min(flows.length - 1, Math.floor(q * flows.length))] ?? 0).toFixed(1);
  const seconds = DURATION_SECONDS;
  const flowRow = {
    ...row,
    // autocannon counts both requests of a flow (and every 302 as non-2xx): the flow figures are ours.
    flowsPerSecond: Math.round(flows.length / seconds),
    flowP50: at(0.5),
    flowP99: at(0.99),
    flowFailures: failed,
    serverCpuMicrosPerFlow: row.serverCpuMicrosPerRequest * 2,
  };
  console.log(`${''.padEnd(32)} ${flowRow.flowsPerSecond} flows/s, flow p50 ${flowRow.flowP50} ms, p99 ${flowRow.flowP99} ms, ${failed} failed`);
  if (failed > 0) console.warn(`${NAMES[key]}: ${failed} failed steps`);
  return flowRow;
}

/** The login and consent pages as a browser goes through them; returns the session cookie. */
async function signInThroughPages(app, authorizeUrl, adminPassword) {
  const cookies = new Map();
  const step = async (url, init = {}) => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(url, app.url), { ...init, redirect: 'manual', headers: { ...init.headers, cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [name, value] = line.split(';')[0].split('=');
      cookies.set(name, value);
    }
    return response;
  };
  const post = (url, fields) =>
    step(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const csrfOf = async (response) => /name="csrf_token" value="([^"]+)"/.exec(await response.text())?.[1];
  const login = await step(authorizeUrl);
  const loggedIn = await post('/oauth/authorize/login', { csrf_token: await csrfOf(login), username: 'admin', password: adminPassword });
  if (loggedIn.status !== 303) throw new Error(`login: ${loggedIn.status}`);
  const consent = await step(loggedIn.headers.get('location'));
  const allowed = await post('/oauth/authorize/consent', { csrf_token: await csrfOf(consent), decision: 'allow' });
  if (allowed.status !== 303) throw new Error(`consent: ${allowed.status}`);
  return `portcullis_session=${cookies.get('portcullis_session')}`;
}

/**
 * Each app case right after its own baseline, ROUNDS times over (sign then client_credentials,
 * verify then introspection): on a machine whose speed drifts between minutes (other tenants),
 * a pair measured back to back shares the conditions, and the median of the rounds' ratios is
 * what the run reports. Every round's rows are kept in the results.
 */
async function pairedRounds(app, only) {
  const results = [];
  // client_credentials with a resource right after the one without: their ratio compares like with like.
  const pairs = [
    [
      'sign',
      'sign',
      [
        ['token', measureToken],
        ['tokenResource', measureTokenWithResource],
        ['tokenPrivateKeyJwt', (app) => measureTokenPrivateKeyJwt(app, 'tokenPrivateKeyJwt', 'ES256')],
        ['tokenPrivateKeyJwtRs256', (app) => measureTokenPrivateKeyJwt(app, 'tokenPrivateKeyJwtRs256', 'RS256')],
      ],
    ],
    ['verify', 'jwt-verify', [['introspection', measureIntrospection]]],
  ];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [bareKey, mode, appCases] of pairs) {
      if (only(bareKey)) results.push({ ...(await measureBare(bareKey, mode)), round });
      for (const [appKey, measureCase] of appCases) if (only(appKey)) results.push({ ...(await measureCase(app)), round });
    }
  }
  return results;
}

/** Per round, app rps over its baseline's; the run's figure is their median. */
function ratiosOf(results) {
  const named = (key) => (row) => row.name === NAMES[key];
  // field: flowsPerSecond for the code flows (failed steps never count as flows), rps otherwise.
  // `cpu`: by server CPU per request instead, the baseline's over the app's: what one core carries
  // of each, whatever share of the machine each got (under BENCH_PIN, where each has one, the two agree).
  const ratio = (app, bare, field = 'rps', cpu = false) =>
    cpu ? pairedRatio(results, named(bare), named(app), field) : pairedRatio(results, named(app), named(bare), field);
  return {
    tokenVsBareSign: ratio('token', 'sign'),
    tokenVsBareSignByCpu: ratio('token', 'sign', 'serverCpuMicrosPerRequest', true),
    tokenResourceVsToken: ratio('tokenResource', 'token'),
    tokenPrivateKeyJwtVsToken: ratio('tokenPrivateKeyJwt', 'token'),
    tokenPrivateKeyJwtRs256VsToken: ratio('tokenPrivateKeyJwtRs256', 'token'),
    introspectionVsBareVerify: ratio('introspection', 'verify'),
    codeVsBareSign: ratio('code', 'sign'),
    oidcCodeVsCode: ratio('oidcCode', 'code'),
    oidcFlowVsFlow: ratio('oidcCodeFlow', 'codeFlow', 'flowsPerSecond'),
    tokenVsBareJson: ratio('token', 'json'),
  };
}

async function main() {
  // BENCH_CASES=token,introspection (for example) runs only those: profiling one path at a time.
  const cases = process.env.BENCH_CASES?.split(',');
  const only = (key) => !cases || cases.includes(key);
  const database = await freshDatabase();
  const results = [];
  let running;
  let settle;
  let devicePolling;
  try {
    if (only('json')) results.push({ ...(await measureBare('json', 'json')), round: 1 });
    running = await startApp(database);
    if (SETTLE_SECONDS > 0) settle = await measureSettling(running);
    results.push(...(await pairedRounds(running, only)));
    // The code case spends its codes once, so it runs once, in the last round's conditions; the
    // openid exchange right after it, so that their ratio compares like with like.
    if (only('code')) results.push({ ...(await measureCodeExchange(running)), round: ROUNDS });
    if (only('oidc')) {
      results.push({ ...(await measureCodeExchange(running, { key: 'oidcCode', openid: true })), round: ROUNDS });
      results.push({ ...(await measureSessionAuthorize(running)), round: ROUNDS });
    }
    // The whole flow, plain then openid, FLOW_ROUNDS times: their ratio is issue 15's check.
    if (only('flow')) {
      for (let round = 1; round <= FLOW_ROUNDS; round++) {
        results.push({ ...(await measureCodeFlow(running, { key: 'codeFlow', openid: false })), round });
        results.push({ ...(await measureCodeFlow(running, { key: 'oidcCodeFlow', openid: true })), round });
      }
    }
    if (only('device')) {
      const device = await measureDevicePolling(running);
      results.push(...device.rows);
      devicePolling = device.summary;
    }
  } finally {
    if (running) {
      await running.db.end();
      // Requests still in flight when autocannon stopped finish before the app closes.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await running.app.exit('close');
    }
    await database.drop();
  }
  const ratios = ratiosOf(results);
  if (devicePolling) ratios.devicePollingCheck = devicePolling;
  const oidc = ratios.oidcCodeVsCode.median;
  if (oidc !== undefined) {
    // Server CPU per request beside rps: on a loaded machine rps swings between runs, CPU hardly.
    const cpuOf = (key) => results.find((row) => row.name === NAMES[key]).serverCpuMicrosPerRequest;
    const cpuRatio = +(cpuOf('code') / cpuOf('oidcCode')).toFixed(3);
    ratios.oidcCodeCheck = { target: OIDC_CODE_TARGET_RATIO, cpuRatio, pass: oidc >= OIDC_CODE_TARGET_RATIO };
    console.log(
      `openid code exchange alone: ${Math.round(oidc * 100)}% of the plain exchange's rps, ${Math.round(cpuRatio * 100)}% by server CPU per request (reported; issue 15's check is the whole flow, case flow)`,
    );
  }
  const flow = ratios.oidcFlowVsFlow.median;
  if (flow !== undefined) {
    const cpuOf = (key) => median(results.filter((row) => row.name === NAMES[key]).map((row) => row.serverCpuMicrosPerFlow));
    const cpuRatio = +(cpuOf('codeFlow') / cpuOf('oidcCodeFlow')).toFixed(3);
    ratios.oidcFlowCheck = { target: OIDC_CODE_TARGET_RATIO, cpuRatio, pass: flow >= OIDC_CODE_TARGET_RATIO };
    console.log(
      `code flow with openid: ${Math.round(flow * 100)}% of the plain flow's rate (median of ${ratios.oidcFlowVsFlow.rounds.length} rounds), ${Math.round(cpuRatio * 100)}% by server CPU per flow (target >= ${OIDC_CODE_TARGET_RATIO * 100}%): ${ratios.oidcFlowCheck.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  const resource = ratios.tokenResourceVsToken.median;
  if (resource !== undefined) {
    ratios.tokenResourceCheck = { target: RESOURCE_TARGET_RATIO, pass: resource >= RESOURCE_TARGET_RATIO };
    console.log(
      `client_credentials with resource: ${Math.round(resource * 100)}% of the rps without (target >= ${RESOURCE_TARGET_RATIO * 100}%): ${ratios.tokenResourceCheck.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  const privateKeyJwt = ratios.tokenPrivateKeyJwtVsToken.median;
  if (privateKeyJwt !== undefined) {
    ratios.tokenPrivateKeyJwtCheck = { target: PRIVATE_KEY_JWT_TARGET_RATIO, pass: privateKeyJwt >= PRIVATE_KEY_JWT_TARGET_RATIO };
    console.log(
      `client_credentials with private_key_jwt (ES256): ${Math.round(privateKeyJwt * 100)}% of the rps with a client secret (target >= ${PRIVATE_KEY_JWT_TARGET_RATIO * 100}%): ${ratios.tokenPrivateKeyJwtCheck.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  const privateKeyJwtRs256 = ratios.tokenPrivateKeyJwtRs256VsToken.median;
  if (privateKeyJwtRs256 !== undefined) {
    console.log(`client_credentials with private_key_jwt (RS256, reported): ${Math.round(privateKeyJwtRs256 * 100)}% of the rps with a client secret`);
  }
  console.table(Object.fromEntries(Object.entries(ratios).map(([name, ratio]) => [name, { median: ratio.median, rounds: ratio.rounds?.join(' ') }])));
  // A partial run writes no results file, except the one-core check (`npm run bench:one-core`), kept apart.
  if (cases && !PINNED) return;
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}${PINNED ? '-one-core' : ''}.json`, import.meta.url);
  const pinning = PINNED ? ', each server pinned to CPU 0 (BENCH_PIN), autocannon and the database backends on the others' : '';
  const method = `each server in its own child process, autocannon in the parent${pinning}; ${ROUNDS} paired rounds (baseline, then its app case), median ratio`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        date,
        node: process.version,
        method,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        settleSeconds: SETTLE_SECONDS,
        settle,
        authNodeFlags: AUTH_FLAGS,
        pinned: PINNED,
        results,
        ratios,
      },
      null,
      2,
    ) + '\n',
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
