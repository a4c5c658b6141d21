// Edge benchmark (issue 14, performance): the resource server as a gateway, as forward
// authentication, and nginx + auth_request (examples/nginx, as a user deploys it) in front of the
// same bare node:http upstream, each beside that upstream called directly in the same run.
// The real auth server runs here (bench/auth-fixture.js); the upstream and the resource server
// (RESOURCE_ROUTES_FILE: one protected route, /bench) run in child processes of their own, nginx
// as its own master and one worker; autocannon here. All on loopback; every process started here
// is stopped by its PID. Per case: a BENCH_WARMUP s (default 2) discarded run, then BENCH_DURATION
// s (default 10), 50 connections; direct, gateway and nginx back to back for each payload. The
// targets' cases (fixed JSON through each front, /auth/verify against /api/me) run in BENCH_ROUNDS
// (default 3) paired rounds, each front right after a direct run of its own (/auth/verify right
// after /api/me); their ratios are the rounds' median.
//   1. GET fixed JSON, 1 MB response (GET), 1 MB upload (POST): direct / bare proxy (Fastify +
//      undici's stream alone, as the gateway forwards: its floor) / gateway / nginx.
//   1b. The same three payloads through the gateway as a pool of BENCH_GATEWAY_WORKERS (default 2;
//      0 leaves it out) RESOURCE_WORKERS on one port (front gateway-pool, its own projection database).
//   2. GET /auth/verify (the request described by X-Forwarded-*) vs GET /api/me, same token.
//   3. Propagation lag through the gateway: admin API response (deactivate a client / revoke a
//      token) -> the gateway answers 401 to that token (bench/auth-fixture.js, as bench/resource.js);
//      then through the pool, where every worker must refuse it (each asked on a new connection).
//   4. HTTP Basic client credentials (a route with clientBasic: true, issue 18 item 3), accepted a
//      moment ago (cached), against the bench token on the same route: gateway GET fixed JSON and
//      GET /auth/verify. A ratio, no target: what a call with id and secret costs over a token's.
// Usage: npm run build && node bench/edge.js   (REDIS_URL, BENCH_PG_URL, BENCH_DURATION, BENCH_WARMUP,
// BENCH_CHANGES; without /usr/sbin/nginx the nginx cases are left out, and said so;
// BENCH_CASES=json,large,upload,verify,propagation,basic picks cases, BENCH_FRONTS=direct,gateway,gateway-pool,nginx
// the fronts of the first three; BENCH_RS_NODE_FLAGS adds
// '--cpu-prof --cpu-prof-dir=…' to profile the resource server, written when it exits, and
// BENCH_PROXY_NODE_FLAGS the same to the bare proxy, to set the two profiles side by side)
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directBefore } from './direct-before.js';
import { BENCH_SCOPE, insertClients, propagation, RS_FLAGS, startBenchAuthServer, statusOf, tokenFor, until } from './auth-fixture.js';
import { childServer, CONNECTIONS, DURATION_SECONDS, freshDatabase, measure, median, pairedRatio, roundLabel } from './lib.js';
import { NGINX_BINARY, startExampleNginx } from '../dist/libs/testing/src/example-nginx.js';

const nginxAvailable = existsSync(NGINX_BINARY);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 2);
/** Paired rounds of the targets' cases (lib.js, median): this machine's speed drifts between minutes. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** RESOURCE_WORKERS of the gateway-pool front; 0 leaves it out. */
const GATEWAY_WORKERS = Number(process.env.BENCH_GATEWAY_WORKERS ?? 2);
/** Node flags of the bare proxy's child: none unless asked (a profile to compare with the resource server's). */
const PROXY_FLAGS = (process.env.BENCH_PROXY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** "1 MB": 10^6 bytes, so MB/s is rps for these cases, and under nginx's default 1m body limit. */
const LARGE_BYTES = 1_000_000;
const PREFIX = '/bench';
const PATHS = { json: `${PREFIX}/json`, large: `${PREFIX}/large`, upload: `${PREFIX}/upload` };
/** A route of its own, so that the flag costs the other cases nothing. */
const BASIC_PATH = '/bench-basic/json';
/** The issue's targets, checked in the results and by bench/report.js. */
const TARGETS = { gatewayVsDirect: 0.35, gatewayP99Ms: 15, verifyVsMe: 1, verifyP99Ms: 10, propagationP99Ms: 1000 };

/** The three payloads, as autocannon options against `base` with the bench token. */
function payloads(base, bearer) {
  return {
    json: { url: base + PATHS.json, headers: bearer },
    large: { url: base + PATHS.large, headers: bearer },
    upload: {
      url: base + PATHS.upload,
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(LARGE_BYTES, 'u'),
    },
  };
}

/**
 * A discarded warm-up, then the measured run, with the CPU time (user + system, all threads) each
 * node child used per request: on a shared machine it moves far less than rps does.
 */
async function warmThenMeasure(name, options, children) {
  if (WARMUP_SECONDS > 0) await measure(`${name} (warm-up)`, options, WARMUP_SECONDS);
  const cpu = () => Promise.all(Object.values(children).map(async (child) => (await child.rss()).cpuMicros));
  const before = await cpu();
  const row = await measure(name, options);
  const after = await cpu();
  const cpuMicrosPerRequest = Object.fromEntries(Object.keys(children).map((key, index) => [key, Math.round((after[index] - before[index]) / row.requests)]));
  console.log(
    `${''.padEnd(32)} CPU us/request: ${Object.entries(cpuMicrosPerRequest)
      .map(([key, micros]) => `${key} ${micros}`)
      .join(', ')}`,
  );
  return { ...row, cpuMicrosPerRequest };
}

/** The routes file: one route for every case, the bench scope required, on the upstream child. */
function writeRoutes(dir, upstreamUrl) {
  const file = join(dir, 'routes.json');
  writeFileSync(
    file,
    JSON.stringify({
      routes: [
        { match: { pathPrefix: PREFIX, methods: ['GET', 'POST'] }, upstream: upstreamUrl, scopes: { allOf: [BENCH_SCOPE] } },
        { match: { pathPrefix: '/bench-basic', methods: ['GET'] }, upstream: upstreamUrl, scopes: { allOf: [BENCH_SCOPE] }, clientBasic: true },
      ],
    }),
  );
  return file;
}

async function main() {
  const cases = process.env.BENCH_CASES?.split(',');
  const only = (key) => !cases || cases.includes(key);
  const auth = await startBenchAuthServer();
  const rsDb = await freshDatabase('portcullis_bench_rs', '');
  // The pool's workers share a projection database, as they do in production; not the single RS's.
  const poolDb = GATEWAY_WORKERS > 0 ? await freshDatabase('portcullis_bench_rs_pool', '') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-edge-'));
  const running = [];
  const results = [];
  const out = {};
  try {
    const [clientId] = await insertClients(auth.db, `edge-${randomBytes(3).toString('hex')}-`, 1, auth.secret);
    const token = await tokenFor(auth.issuer, clientId, auth.secret);
    const bearer = { authorization: `Bearer ${token}` };

    const upstream = await childServer('upstream', { BENCH_LARGE_BYTES: String(LARGE_BYTES) });
    running.push(upstream);
    const rs = await childServer('rs', auth.rsEnv(rsDb.url, { RESOURCE_ROUTES_FILE: writeRoutes(dir, upstream.url) }), RS_FLAGS);
    running.push(rs);
    const gateway = (probed) => statusOf(rs.url + PATHS.json, probed);
    await until('the gateway to pass the bench token', async () => (await gateway(token)) === 200);

    const bareProxy = await childServer('proxy', { BENCH_UPSTREAM_URL: upstream.url }, PROXY_FLAGS);
    running.push(bareProxy);
    const fronts = [
      ['direct', upstream.url],
      ['bare-proxy', bareProxy.url],
      ['gateway', rs.url],
    ];
    let pool;
    if (poolDb) {
      pool = await childServer(
        'rs',
        auth.rsEnv(poolDb.url, { RESOURCE_ROUTES_FILE: writeRoutes(dir, upstream.url), BENCH_RS_WORKERS: String(GATEWAY_WORKERS) }),
        RS_FLAGS,
      );
      running.push(pool);
      await until('every worker of the gateway pool to pass the bench token', async () => (await statusOnEveryWorker(pool.url + PATHS.json, token)) === 200);
      fronts.push(['gateway-pool', pool.url]);
      out.gatewayPool = { workers: GATEWAY_WORKERS };
    }
    if (nginxAvailable) {
      const nginx = await startExampleNginx({
        resourceServer: new URL(rs.url).host,
        upstream: new URL(upstream.url).host,
        config: fileURLToPath(new URL('../examples/nginx/nginx.conf', import.meta.url)),
      });
      running.push(nginx);
      await until('nginx to answer', async () => nginx.exited() || (await statusOf(nginx.url + PATHS.json, token).catch(() => 0)) === 200);
      if (nginx.exited()) throw new Error(`nginx exited: ${nginx.output()}`);
      fronts.push(['nginx', nginx.url]);
    } else console.warn(`edge bench: ${NGINX_BINARY} not found, the nginx cases are left out (apt-get install nginx-light)`);
    out.nginx = nginxAvailable ? { binary: NGINX_BINARY, config: 'examples/nginx/nginx.conf (worker_processes 1, keepalive 64 per upstream)' } : null;

    const measuredFronts = fronts.filter(([front]) => !process.env.BENCH_FRONTS || process.env.BENCH_FRONTS.split(',').includes(front));
    for (const payload of ['json', 'large', 'upload'].filter(only)) {
      // The fixed JSON GET is the target's case: paired rounds. The 1 MB cases have no target: one.
      const rounds = payload === 'json' ? ROUNDS : 1;
      const order = payload === 'json' ? eachAfterDirect(measuredFronts) : measuredFronts;
      for (let round = 1; round <= rounds; round++) {
        for (const [index, [front, base]] of order.entries()) {
          const before = front === 'direct' && order[index + 1] ? ` (before ${order[index + 1][0]})` : '';
          results.push({
            ...(await warmThenMeasure(
              `${front} ${payload}${before}${roundLabel(round, rounds)}`,
              payloads(base, bearer)[payload],
              { direct: { upstream }, 'bare-proxy': { proxy: bareProxy, upstream }, 'gateway-pool': { pool, upstream } }[front] ?? { rs, upstream },
            )),
            front,
            payload,
            round,
          });
        }
      }
    }
    if (only('verify')) {
      const described = { ...bearer, 'x-forwarded-method': 'GET', 'x-forwarded-uri': PATHS.json };
      for (let round = 1; round <= ROUNDS; round++) {
        const label = roundLabel(round, ROUNDS);
        results.push({
          ...(await warmThenMeasure(`rs GET /api/me${label}`, { url: `${rs.url}/api/me`, headers: bearer }, { rs })),
          front: 'rs',
          payload: 'me',
          round,
        });
        results.push({
          ...(await warmThenMeasure(`rs GET /auth/verify${label}`, { url: `${rs.url}/auth/verify`, headers: described }, { rs })),
          front: 'rs',
          payload: 'verify',
          round,
        });
      }
    }
    if (only('basic')) {
      const basic = { authorization: `Basic ${Buffer.from(`${clientId}:${auth.secret}`).toString('base64')}` };
      await until('the gateway to admit the client credentials', async () => (await fetch(rs.url + BASIC_PATH, { headers: basic })).status === 200);
      for (const [scheme, headers] of [
        ['bearer', bearer],
        ['basic', basic],
      ]) {
        results.push({
          ...(await warmThenMeasure(`gateway ${scheme} (clientBasic route)`, { url: rs.url + BASIC_PATH, headers }, { rs, upstream })),
          front: 'gateway',
          payload: `${scheme}-route`,
        });
        const described = { ...headers, 'x-forwarded-method': 'GET', 'x-forwarded-uri': BASIC_PATH };
        results.push({
          ...(await warmThenMeasure(`rs /auth/verify ${scheme} (clientBasic route)`, { url: `${rs.url}/auth/verify`, headers: described }, { rs })),
          front: 'rs',
          payload: `verify-${scheme}`,
        });
      }
    }
    if (only('propagation')) out.propagation = await propagation(auth, gateway);
    // Through the pool, a token counts as refused once a new connection to each worker refuses it.
    if (only('propagation') && pool) out.propagationPool = await propagation(auth, (probed) => statusOnEveryWorker(pool.url + PATHS.json, probed));
    for (const [key, through] of [
      ['propagation', 'the gateway'],
      ['propagationPool', `the gateway pool (${GATEWAY_WORKERS} workers)`],
    ]) {
      const lag = out[key];
      if (lag) console.log(`propagation through ${through} over ${lag.changes} changes: p50 ${lag.p50Ms} ms  p99 ${lag.p99Ms} ms  max ${lag.maxMs} ms`);
    }
  } finally {
    // The resource server exits normally (exit()), so that --cpu-prof writes its profile.
    for (const started of running.reverse()) await (started.exit ?? started.stop)().catch((error) => console.error(error));
    await auth.close();
    await rsDb.drop();
    await poolDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  const paired = ratiosOf(results);
  out.ratios = Object.fromEntries(Object.entries(paired).map(([key, ratio]) => [key, ratio.median]));
  out.ratioRounds = Object.fromEntries(
    Object.entries(paired)
      .filter(([, ratio]) => ratio.rounds?.length > 1)
      .map(([key, ratio]) => [key, ratio.rounds]),
  );
  out.checks = checksOf(results, out);
  if (cases) {
    console.table(results.map(({ name, rps, p50, p99, non2xx }) => ({ name, rps, p50, p99, non2xx })));
    console.log(JSON.stringify(Object.fromEntries(Object.entries(out.ratios).filter(([, value]) => value !== undefined))));
    return void console.log(JSON.stringify(out.ratioRounds));
  }
  console.table(out.checks.map(({ name, value, target, pass }) => ({ name, value, target, result: pass ? 'PASS' : 'FAIL' })));
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}-edge.json`, import.meta.url);
  const record = {
    date,
    kind: 'edge',
    node: process.version,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    largeBytes: LARGE_BYTES,
    rsNodeFlags: RS_FLAGS,
    rounds: ROUNDS,
    targets: TARGETS,
    results,
    ...out,
  };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`written ${file.pathname}`);
}

/**
 * Each front's rps over direct's for the same payload (for 1 MB cases, the MB/s ratio); /auth/verify
 * over /api/me: per round, and the rounds' median (lib.js pairedRatio).
 */
function ratiosOf(results) {
  const of = (front, payload) => (row) => row.front === front && row.payload === payload;
  const ratios = {
    verifyVsMe: pairedRatio(results, of('rs', 'verify'), of('rs', 'me')),
    basicVsBearerGateway: pairedRatio(results, of('gateway', 'basic-route'), of('gateway', 'bearer-route')),
    basicVsBearerVerify: pairedRatio(results, of('rs', 'verify-basic'), of('rs', 'verify-bearer')),
  };
  for (const front of ['bare-proxy', 'gateway', 'gateway-pool', 'nginx']) {
    for (const payload of ['json', 'large', 'upload']) ratios[`${camel(front)}${camel(payload, true)}VsDirect`] = againstDirect(results, front, payload);
  }
  return ratios;
}

/**
 * The fixed JSON's fronts, each right after a direct run of its own: [direct, bare-proxy, direct,
 * gateway, …]. Why: the machine's speed can drift by a third within minutes (docs/performance.md,
 * "Session 24"), and with one direct run per round the last front ran 40 s after it. Without
 * direct among the fronts, the fronts alone.
 */
function eachAfterDirect(fronts) {
  const direct = fronts.find(([front]) => front === 'direct');
  const others = fronts.filter(([front]) => front !== 'direct');
  return direct && others.length > 0 ? others.flatMap((front) => [direct, front]) : fronts;
}

/** A front's rps over that of the direct run measured last before it, per round; their median (as pairedRatio). */
function againstDirect(results, front, payload) {
  const rounds = results
    .filter((row) => row.front === front && row.payload === payload)
    .map((row) => [row.rps, directBefore(results, row)?.rps])
    .filter(([, direct]) => direct > 0)
    .map(([rps, direct]) => +(rps / direct).toFixed(3));
  return rounds.length === 0 ? {} : { median: median(rounds), rounds };
}

/** 'bare-proxy' -> 'bareProxy'; with `upper`, 'json' -> 'Json'. */
function camel(name, upper = false) {
  const joined = name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase());
  return upper ? joined[0].toUpperCase() + joined.slice(1) : joined;
}

/** The issue's targets against this run; every case must also have been answered 2xx throughout. */
function checksOf(results, { ratios, propagation: lag, propagationPool: poolLag }) {
  // A case run in rounds: the median of its rounds' p99s, as its ratio is their median.
  const p99Of = (front, payload) => {
    const p99s = results.filter((entry) => entry.front === front && entry.payload === payload).map((entry) => entry.p99);
    return p99s.length === 0 ? undefined : median(p99s);
  };
  const failed = results.filter((entry) => entry.non2xx > 0).map((entry) => `${entry.name}: ${entry.non2xx}`);
  const check = (name, value, target, pass) => ({ name, value, target, pass: Boolean(pass) });
  return [
    check(
      'gateway GET fixed JSON, rps vs direct',
      ratios.gatewayJsonVsDirect,
      `>= ${TARGETS.gatewayVsDirect}`,
      ratios.gatewayJsonVsDirect >= TARGETS.gatewayVsDirect,
    ),
    check('gateway GET fixed JSON, p99 ms', p99Of('gateway', 'json'), `< ${TARGETS.gatewayP99Ms}`, p99Of('gateway', 'json') < TARGETS.gatewayP99Ms),
    check(
      `gateway pool (RESOURCE_WORKERS=${GATEWAY_WORKERS}) GET fixed JSON, rps vs direct`,
      ratios.gatewayPoolJsonVsDirect,
      `>= ${TARGETS.gatewayVsDirect}`,
      ratios.gatewayPoolJsonVsDirect >= TARGETS.gatewayVsDirect,
    ),
    check(
      'gateway pool GET fixed JSON, p99 ms',
      p99Of('gateway-pool', 'json'),
      `< ${TARGETS.gatewayP99Ms}`,
      p99Of('gateway-pool', 'json') < TARGETS.gatewayP99Ms,
    ),
    check('GET /auth/verify, rps vs GET /api/me', ratios.verifyVsMe, `>= ${TARGETS.verifyVsMe}`, ratios.verifyVsMe >= TARGETS.verifyVsMe),
    check('GET /auth/verify, p99 ms', p99Of('rs', 'verify'), `< ${TARGETS.verifyP99Ms}`, p99Of('rs', 'verify') < TARGETS.verifyP99Ms),
    check('propagation through the gateway, p99 ms', lag?.p99Ms, `< ${TARGETS.propagationP99Ms}`, lag?.p99Ms < TARGETS.propagationP99Ms),
    check('propagation through the gateway pool, p99 ms', poolLag?.p99Ms, `< ${TARGETS.propagationP99Ms}`, poolLag?.p99Ms < TARGETS.propagationP99Ms),
    check('every case answered 2xx', failed.length === 0 ? 'yes' : failed.join('; '), 'no non-2xx', failed.length === 0),
  ];
}

/**
 * The status every worker of a pool gives `token`, or 0 while they disagree: one request per worker,
 * each on a new connection (the primary hands new connections to the workers in turn).
 */
async function statusOnEveryWorker(url, token) {
  const statuses = new Set();
  for (let i = 0; i < GATEWAY_WORKERS; i++) {
    statuses.add(
      await new Promise((resolve, reject) => {
        const request = httpRequest(url, { agent: false, headers: { authorization: `Bearer ${token}`, connection: 'close' } }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        request.on('error', reject);
        request.end();
      }),
    );
  }
  return statuses.size === 1 ? [...statuses][0] : 0;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
