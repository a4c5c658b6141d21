// Soak (issue 6 item 9): the real auth server and two real resource servers, each in its own
// process (their production entry points, dist/apps/*/src/main.js), on a PostgreSQL cluster and a
// redis-server of the soak's OWN (never the shared ones), under a mixed workload for SOAK_SECONDS
// while Redis is stopped and restarted empty and PostgreSQL is restarted. At the end it checks:
//   1. every resource server's projection (its /admin/v1/clients and /admin/v1/scopes) equals the
//      auth server's registry (clients, active, scopes, associations) once the sync has settled;
//   2. no 500 at all, and no other 5xx (or network error) outside an injected outage (+ grace);
//   3. the RSS of each app process grew < 5% over the second half of the run (its lower envelope, p10);
//      in a run shorter than ten minutes, a process whose RSS stayed under its 200 MB target (p90 of
//      the second half's last quarter) passes too (RSS_TARGET_MB).
// Bounded: SOAK_CONCURRENCY workers, SOAK_MAX_REQUESTS requests, loopback only; stops by itself.
// With arguments (--minutes, --token-lifetime, ...) it is the storage soak instead (bench/soak-storage.js).
// Usage: npm run soak   (SOAK_SECONDS=120, SOAK_CONCURRENCY=8, SOAK_FAULT_EVERY, SOAK_FAULTS_UNTIL;
// wrap it in flock /tmp/portcullis-bench.lock). CI (.ci/run): SOAK_SECONDS=180 SOAK_FAULT_EVERY=15 SOAK_FAULTS_UNTIL=0.5
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_SYNC_STREAM } from '../dist/libs/sync/src/constants.js';
import { freePort } from '../dist/libs/testing/src/free-port.js';
import { TestRedis } from '../dist/libs/testing/src/test-redis.js';
import { TestPostgres } from '../dist/libs/testing/src/test-postgres.js';
import { basic, Recorder, Workload } from './soak-workload.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const MAX_REQUESTS = Number(process.env.SOAK_MAX_REQUESTS ?? SECONDS * 1000);
/** One fault every FAULT_EVERY s, alternating Redis and PostgreSQL; none in the last 10 s. */
const FAULT_EVERY = Number(process.env.SOAK_FAULT_EVERY ?? Math.min(60, Math.max(10, SECONDS / 4)));
/**
 * Faults start only before this fraction of the run. 1 (the default) spreads them over the whole
 * run; a short CI run uses 0.5 so that its second half, where RSS growth is judged, is steady.
 */
const FAULTS_UNTIL = Number(process.env.SOAK_FAULTS_UNTIL ?? 1);
const REDIS_DOWN_MS = 4000;
const PG_DOWN_MS = 2000;
/** After a fault ends: reconnects, the relay's backoff (max 2 s), a snapshot resync. */
const GRACE_MS = 5000;
const RSS_LIMIT = 0.05;
/**
 * The apps' RSS target under load (issue 19 item 6 for the auth server; the resource server's from
 * its memory bench). In a short run (the CI's 180 s) the auth server's RSS is still settling towards
 * its plateau while glibc's arenas fill under scrypt: one CI run saw 8.15% growth over 90 s with its
 * live heap flat (-0.5%) and p90 188.5 MB, where the one-hour soaks hold it flat at ~184 MB. There a
 * process under this level passes; a run of ten minutes or more judges the growth alone.
 */
const RSS_TARGET_MB = 200;
const SHORT_RUN_SECONDS = 600;
const RSS_EVERY_MS = 250;
/**
 * The resource server caches up to 10,000 verified tokens (JwtTokenVerifier): a bounded cache that
 * fills with the workload's fresh tokens for as long as it takes to see 10,000 of them, about the
 * length of a 10-minute soak. The warm-up fills it first, so that the RSS check measures growth
 * beyond that bound rather than the cache reaching it.
 */
const PREFILL_TOKENS = Number(process.env.SOAK_PREFILL_TOKENS ?? 10_000);
/** Then the mixed workload, without faults, before the clock starts: heaps and pools reach their working size. */
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 20);
/** The resource servers' node flags: as start:resource and compose, or SOAK_RS_FLAGS (a memory variant). */
const RS_FLAGS = (process.env.SOAK_RS_FLAGS ?? '--max-semi-space-size=8 --max-old-space-size=256').split(/\s+/).filter(Boolean);
const RESOURCE = { clientId: 'soak-resource-server', clientSecret: randomBytes(32).toString('base64url') };
const ADMIN_PASSWORD = randomBytes(12).toString('base64url');
const AUDIENCE = 'http://localhost:3001';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * glibc's malloc raises its mmap threshold after a large block is freed, so the next scrypt buffer
 * (32 MiB then, 16 MiB since the two-lane parameters; outside the V8 heap) comes from a thread's
 * arena and stays there once freed: RSS then climbs by such steps as each of libuv's pool threads
 * hashes a first password, a ratchet that is bounded and not a leak, but that moved the auth
 * server's RSS by 10% between two quarters of a run. Pinned at glibc's default (128 KiB), large
 * blocks are always mapped and unmapped, so RSS follows live memory. npm start, start:auth and the
 * Dockerfile set the same (libs/operability/src/malloc-tuning.ts).
 */
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };
/**
 * Variants for memory measurements (docs/soak.md, "Memory"): extra environment (`K=V K=V`) and
 * node flags (instead of the production ones) for the auth server (SOAK_RS_FLAGS: the resource servers'). SOAK_MALLOC=glibc starts every app without MALLOC_ENV, as
 * a bare `node dist/...` with glibc's defaults would run.
 */
const AUTH_ENV = Object.fromEntries(
  (process.env.SOAK_AUTH_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => kv.split(/=(.*)/s, 2)),
);
const AUTH_FLAGS = (process.env.SOAK_AUTH_FLAGS ?? '--max-semi-space-size=4').split(/\s+/).filter(Boolean); // as start:auth and compose
const APP_MALLOC_ENV = process.env.SOAK_MALLOC === 'glibc' ? {} : MALLOC_ENV;

/** glibc's tunables from the soak's own environment would blur the variant being measured. */
const withoutMallocEnv = (env) => Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('MALLOC_') && !name.startsWith('GLIBC_TUNABLES')));

/** /proc/<pid>/status, or '' once the process is reaped. */
function procStatus(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

/** A production entry point in a child process, output to a log file; RSS read from /proc. */
async function app(name, script, env, flags = []) {
  const log = join(tmpdir(), `portcullis-soak-${name}-${process.pid}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, [...flags, script], {
    env: { ...withoutMallocEnv(process.env), LOG_LEVEL: 'warn', ...APP_MALLOC_ENV, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    name,
    log,
    child,
    /**
     * RSS and its anonymous part (heaps, malloc arenas; the rest is file pages, node's binary first), MB,
     * from one read. undefined once the process is gone, even before its 'exit' is seen here (a zombie
     * has no VmRSS): the run then goes on to report it ("is still running"), instead of dying on the sample.
     */
    memoryMb: () => {
      const status = procStatus(child.pid);
      const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      const anon = /RssAnon:\s+(\d+) kB/.exec(status)?.[1];
      return rss === undefined || anon === undefined ? undefined : { rss: Number(rss) / 1024, anon: Number(anon) / 1024 };
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () => (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'), exited),
  };
}

const ready = (url) => fetch(`${url}/health/ready`).then((response) => (response.body?.cancel(), response.status === 200));

async function createDatabases(serverUrl, names) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return names.map((name) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString());
}

/** The fault schedule: alternating Redis outages and PostgreSQL restarts; records their windows. */
async function injectFaults(t0, redis, postgres, windows, stopAt) {
  for (let k = 1; ; k++) {
    const at = k * FAULT_EVERY * 1000;
    if (at + 10_000 > stopAt || at >= FAULTS_UNTIL * stopAt) return;
    await sleep(Math.max(0, at - (performance.now() - t0)));
    // Every other Redis fault is a pause (SIGSTOP, a hung Redis): its window's latencies show
    // whether anything waits on Redis (issue 12: the relay once held PGlite's session across XADD).
    const kind = k % 2 === 0 ? 'postgres' : k % 4 === 3 ? 'redis-paused' : 'redis';
    const window = { kind, start: performance.now() - t0 };
    if (kind === 'redis-paused') {
      redis.pause();
      await sleep(REDIS_DOWN_MS);
      redis.resume();
    } else if (kind === 'redis') {
      await redis.stop();
      await sleep(REDIS_DOWN_MS);
      await redis.start();
    } else {
      await postgres.stop();
      await sleep(PG_DOWN_MS);
      await postgres.start();
    }
    window.end = performance.now() - t0;
    windows.push(window);
    console.log(`fault: ${kind} down from ${(window.start / 1000).toFixed(1)} s to ${(window.end / 1000).toFixed(1)} s`);
  }
}

function sampleRss(t0, apps, samples) {
  const timer = setInterval(() => {
    const t = (performance.now() - t0) / 1000;
    for (const a of apps) {
      const memory = a.alive() ? a.memoryMb() : undefined;
      if (memory !== undefined) samples[a.name].push({ t: +t.toFixed(1), mb: +memory.rss.toFixed(1), anonMb: +memory.anon.toFixed(1) });
    }
  }, RSS_EVERY_MS);
  return () => clearInterval(timer);
}

/**
 * V8's used heap (and the heap it keeps committed, `totalMb`) from each app's /metrics every 5 s: tells
 * live-data growth from V8's headroom and from allocator noise in RSS (reported, not checked).
 */
function sampleHeap(t0, apps, heap) {
  const timer = setInterval(() => {
    const t = +((performance.now() - t0) / 1000).toFixed(1);
    for (const a of apps) {
      fetch(`${a.url}/metrics`, { signal: AbortSignal.timeout(2000) })
        .then((response) => response.text())
        .then((text) => {
          const used = /^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1];
          const total = /^nodejs_heap_size_total_bytes (\S+)/m.exec(text)?.[1];
          if (used) heap[a.name].push({ t, mb: +(Number(used) / 2 ** 20).toFixed(1), totalMb: +(Number(total) / 2 ** 20).toFixed(1) });
        })
        .catch(() => undefined);
    }
  }, 5000);
  return () => clearInterval(timer);
}

/** The q-quantile (0..1) of `values`, nearest rank. */
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};

/**
 * Growth over the second half of the run: the median of its first quarter against the median of
 * its last quarter. Logins hash with scrypt (16 MiB each, outside the V8 heap) and GCs come and go,
 * so single samples swing by tens of MB: medians of ~4 samples a second smooth that out. Samples
 * inside an outage (+ grace) are left out: the load is different there (fast 503s, no logins),
 * so they would compare unlike with like. The 10th and 90th percentiles are reported beside it.
 */
function rssGrowth(series, seconds, windows) {
  const steady = (t) => !windows.some((w) => t * 1000 >= w.start && t * 1000 <= w.end + GRACE_MS);
  const second = series.filter((sample) => sample.t >= seconds / 2 && sample.t <= seconds && steady(sample.t));
  const n = Math.max(4, Math.floor(second.length / 4));
  const first = second.slice(0, n).map((s) => s.mb);
  const last = second.slice(-n).map((s) => s.mb);
  const ratio = (a, b) => +((b - a) / a).toFixed(4);
  const spread = (values) => ({ p10: quantile(values, 0.1), median: quantile(values, 0.5), p90: quantile(values, 0.9) });
  return {
    samples: second.length,
    window: n,
    first: spread(first),
    last: spread(last),
    // The lower envelope (p10): RSS just after collections. A leak lifts it as much as the median,
    // but the median also follows when V8 last collected and how much heap it keeps committed,
    // which in a short run's first minutes moved it by 5% with no leak (docs/soak.md, session 7).
    growth: ratio(quantile(first, 0.1), quantile(last, 0.1)),
    minMb: Math.min(...series.map((s) => s.mb)),
    maxMb: Math.max(...series.map((s) => s.mb)),
  };
}

/**
 * The level rather than the growth: percentiles of every steady sample of the run, and the median
 * of each minute (or of each tenth of a run shorter than ten minutes), to follow a long soak.
 */
function rssProfile(series, seconds, windows) {
  const steady = series.filter((sample) => !windows.some((w) => sample.t * 1000 >= w.start && sample.t * 1000 <= w.end + GRACE_MS));
  const values = steady.map((sample) => sample.mb);
  const step = seconds >= 600 ? 60 : seconds / 10;
  const slices = Array.from({ length: Math.ceil(seconds / step) }, (_, i) => steady.filter((sample) => sample.t >= i * step && sample.t < (i + 1) * step));
  return {
    p10: quantile(values, 0.1),
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    stepSeconds: +step.toFixed(1),
    medians: slices.map((slice) =>
      slice.length
        ? quantile(
            slice.map((sample) => sample.mb),
            0.5,
          )
        : null,
    ),
  };
}

/** Requests per window: inside an outage (or its grace) or outside; 5xx and network errors outside are failures. */
function classify(records, windows) {
  const inside = (record) => windows.some((w) => record.start <= w.end + GRACE_MS && record.end >= w.start);
  const tally = {};
  const failures = { outsideOutage: [], serverErrors: [] };
  for (const record of records) {
    const where = inside(record) ? 'outage' : 'steady';
    const key = `${record.op}`;
    tally[key] ??= { steady: {}, outage: {} };
    tally[key][where][record.status] = (tally[key][where][record.status] ?? 0) + 1;
    if (record.status === 500) failures.serverErrors.push(record);
    if (where === 'steady' && (record.status >= 500 || record.status === 0)) failures.outsideOutage.push(record);
  }
  const perWindow = windows.map((w) => {
    const during = records.filter((r) => r.start <= w.end + GRACE_MS && r.end >= w.start);
    return {
      ...w,
      requests: during.length,
      status5xx: during.filter((r) => r.status >= 500).length,
      network: during.filter((r) => r.status === 0).length,
      latency: latencyByOp(during),
    };
  });
  return { tally, failures, perWindow, steadyLatency: latencyByOp(records.filter((r) => !inside(r))) };
}

/** Median and p99 duration per operation (reported, not checked: the soak shares its machine). */
function latencyByOp(records) {
  const byOp = {};
  for (const r of records) (byOp[r.op] ??= []).push(r.end - r.start);
  const at = (sorted, q) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return Object.fromEntries(
    Object.entries(byOp).map(([op, ms]) => [op, ((sorted) => ({ p50Ms: at(sorted, 0.5), p99Ms: at(sorted, 0.99) }))(ms.sort((a, b) => a - b))]),
  );
}

async function authRegistry(authDbUrl) {
  const db = new pg.Client({ connectionString: authDbUrl });
  await db.connect();
  try {
    const { rows: clients } = await db.query(
      `SELECT c.client_id AS "clientId", c.name, c.version, c.type, c.active,
              coalesce(array_agg(cs.scope_name ORDER BY cs.scope_name) FILTER (WHERE cs.scope_name IS NOT NULL), '{}') AS scopes
       FROM clients c LEFT JOIN client_scopes cs ON cs.client_ref = c.id GROUP BY c.id ORDER BY c.client_id`,
    );
    const { rows: scopes } = await db.query('SELECT name, description FROM scopes ORDER BY name');
    const [{ unpublished, seq }] = (
      await db.query('SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished, coalesce(max(seq), 0)::int AS seq FROM outbox_events')
    ).rows;
    return { clients, scopes, unpublished, seq };
  } finally {
    await db.end();
  }
}

async function rsGet(rs, token, path) {
  const response = await fetch(`${rs}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`${rs}${path}: ${response.status}`);
  return response.json();
}

/**
 * What a replica that did not catch up was doing: its own sync status, the stream and consumer
 * groups as Redis sees them, and the tail of each resource server's log.
 */
async function syncDiagnosis(redisUrl, replicas, token, apps) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000 });
  const attempt = (work) => work().catch((error) => `failed: ${error}`);
  try {
    return {
      replicas: await Promise.all(replicas.map((rs) => attempt(() => rsGet(rs, token, '/admin/v1/sync')))),
      stream: await attempt(() => redis.call('XINFO', 'STREAM', DEFAULT_SYNC_STREAM)),
      groups: await attempt(() => redis.call('XINFO', 'GROUPS', DEFAULT_SYNC_STREAM)),
      logTails: Object.fromEntries(
        apps
          .filter((a) => a.name.startsWith('rs'))
          .map((a) => [
            a.name,
            readFileSync(a.log, 'utf8')
              .split('\n')
              .filter((line) => !line.includes('request completed'))
              .slice(-40),
          ]),
      ),
    };
  } finally {
    redis.disconnect();
  }
}

/** Waits for the outbox to drain and every replica to reach its last seq, then compares. */
async function projectionsMatch(authDbUrl, replicas, token) {
  await until('the outbox to drain', async () => (await authRegistry(authDbUrl)).unpublished === 0, 60_000);
  const { seq } = await authRegistry(authDbUrl);
  for (const rs of replicas) await until(`${rs} to reach seq ${seq}`, async () => (await rsGet(rs, token, '/admin/v1/sync')).lastAppliedSeq >= seq, 60_000);
  const registry = await authRegistry(authDbUrl);
  const results = [];
  for (const rs of replicas) {
    const clients = (await rsGet(rs, token, '/admin/v1/clients')).items
      .map(({ clientId, name, version, type, active, scopes }) => ({ clientId, name, version, type, active, scopes: [...scopes].sort() }))
      .sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
    const scopes = (await rsGet(rs, token, '/admin/v1/scopes')).items
      .map(({ name, description }) => ({ name, description }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const same = JSON.stringify(clients) === JSON.stringify(registry.clients) && JSON.stringify(scopes) === JSON.stringify(registry.scopes);
    const diff = same
      ? undefined
      : {
          rsClients: clients.length,
          asClients: registry.clients.length,
          rsScopes: scopes.length,
          asScopes: registry.scopes.length,
          firstMismatch: registry.clients.find((c, i) => JSON.stringify(c) !== JSON.stringify(clients[i])),
        };
    results.push({
      rs,
      same,
      clients: clients.length,
      active: clients.filter((c) => c.active).length,
      scopes: scopes.length,
      associations: clients.reduce((n, c) => n + c.scopes.length, 0),
      diff,
    });
  }
  return { seq: registry.seq, results };
}

/** `count` distinct tokens of one fixed client, each presented once to every replica. */
async function prefillTokenCaches(workload, replicas, count) {
  const client = workload.state.ccClients[0];
  const authorization = basic(client.clientId, client.secret);
  let issued = 0;
  const worker = async () => {
    while (issued < count) {
      issued++;
      const response = await workload.token('client_credentials', authorization, {}, 'prefill');
      if (response?.status !== 200) throw new Error(`prefill token: ${response?.status} ${response?.text}`);
      const headers = { authorization: `Bearer ${response.json().access_token}` };
      for (const rs of replicas) {
        const probe = await workload.recorder.call('prefill', `${rs}/api/me`, { headers });
        if (probe?.status !== 200) throw new Error(`prefill probe at ${rs}: ${probe?.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** A client_credentials token with rs.admin, for the resource servers' admin API. */
/**
 * A client allowed the resource servers' admin API, made at setup; the returned function issues
 * one of its tokens. The checks take a fresh one after the workload: a token issued at setup has
 * expired after an hour's run (the access-token lifetime), and every /admin/v1/sync then answered
 * 401, which read as a replica that never caught up (the one-hour soak of session 6).
 */
async function rsAdminTokens(workload, authApp) {
  await workload.admin('POST', '/admin/v1/scopes', { name: 'rs.admin', description: 'resource server admin' });
  const client = await workload.createCcClient('Soak RS Admin');
  await workload.admin('PUT', `/admin/v1/clients/${client.clientId}/scopes/rs.admin`);
  return async () => {
    const response = await workload.token('client_credentials', basic(client.clientId, client.secret), { scope: 'rs.admin' }, 'setup');
    // No answer at all: say whether the auth server is gone (its log says why) rather than print two undefineds.
    if (!response?.status)
      throw new Error(`rs.admin token: no answer from the auth server (${authApp.alive() ? 'still running' : `exited; see ${authApp.log}`})`);
    if (response.status !== 200) throw new Error(`rs.admin token: ${response.status} ${response.text}`);
    return response.json().access_token;
  };
}

async function main() {
  const started = new Date();
  const redis = await TestRedis.start();
  const postgres = await TestPostgres.start();
  const apps = [];
  let exitCode = 1;
  try {
    const [authDb, ...rsDbs] = await createDatabases(postgres.url, ['soak_auth', 'soak_rs1', 'soak_rs2']);
    const authPort = await freePort();
    const issuer = `http://127.0.0.1:${authPort}`;
    const common = {
      AUTH_ISSUER: issuer,
      REDIS_URL: redis.url,
      RESOURCE_AUDIENCE: AUDIENCE,
      RESOURCE_CLIENT_ID: RESOURCE.clientId,
      RESOURCE_CLIENT_SECRET: RESOURCE.clientSecret,
    };
    apps.push(
      await app(
        'auth',
        'dist/apps/auth-server/src/main.js',
        {
          ...common,
          DATABASE_URL: authDb,
          AUTH_PORT: String(authPort),
          AUTH_HOST: '127.0.0.1',
          ADMIN_PASSWORD,
          // One process: the soak judges this process's RSS (a pool's primary serves nothing).
          AUTH_WORKERS: '1',
          ...AUTH_ENV,
        },
        AUTH_FLAGS,
      ),
    );
    apps[0].url = issuer;
    await until('the auth server', () => ready(issuer), 60_000);
    const replicas = [];
    for (const [i, db] of rsDbs.entries()) {
      const port = await freePort();
      apps.push(
        await app(
          `rs${i + 1}`,
          'dist/apps/resource-server/src/main.js',
          {
            ...common,
            RESOURCE_DATABASE_URL: db,
            RESOURCE_PORT: String(port),
            RESOURCE_HOST: '127.0.0.1',
            // One process, as for the auth server: the soak judges this process's RSS.
            RESOURCE_WORKERS: '1',
            ...(process.env.SOAK_RS_LOG_LEVEL ? { LOG_LEVEL: process.env.SOAK_RS_LOG_LEVEL } : {}),
          },
          RS_FLAGS,
        ),
      );
      replicas.push(`http://127.0.0.1:${port}`);
      apps.at(-1).url = replicas.at(-1);
    }
    for (const rs of replicas) await until(`${rs} to load its snapshot`, () => ready(rs), 60_000);

    const setupRecorder = new Recorder(performance.now());
    const user = { username: 'soak-user', password: randomBytes(12).toString('base64url') };
    const setup = new Workload({
      recorder: setupRecorder,
      auth: issuer,
      replicas,
      adminAuthorization: basic('admin', ADMIN_PASSWORD),
      resourceClient: RESOURCE,
      user,
    });
    await setup.setup();
    const rsAdminToken = await rsAdminTokens(
      setup,
      apps.find((started) => started.name === 'auth'),
    );
    const prefillStarted = performance.now();
    await prefillTokenCaches(setup, replicas, PREFILL_TOKENS);
    console.log(
      `warm-up: ${PREFILL_TOKENS} tokens through every resource server's token cache in ${((performance.now() - prefillStarted) / 1000).toFixed(1)} s`,
    );

    setup.recorder = new Recorder(performance.now());
    await setup.run(CONCURRENCY, WARMUP_SECONDS * 1000, MAX_REQUESTS);
    const warmup = setup.recorder.records;
    const warmupFailures = warmup.filter((record) => record.status >= 500 || record.status === 0);
    console.log(`warm-up: ${warmup.length} requests of the mixed workload in ${WARMUP_SECONDS} s, ${warmupFailures.length} 5xx or network errors`);
    setup.counts = {};

    console.log(
      `soak: ${SECONDS} s, ${CONCURRENCY} workers, a fault every ${FAULT_EVERY} s (redis down ${REDIS_DOWN_MS} ms / postgres restart), grace ${GRACE_MS} ms`,
    );
    const t0 = performance.now();
    const recorder = new Recorder(t0);
    setup.recorder = recorder;
    const samples = Object.fromEntries(apps.map((a) => [a.name, []]));
    const stopSampling = sampleRss(t0, apps, samples);
    const heap = Object.fromEntries(apps.map((a) => [a.name, []]));
    const stopHeap = sampleHeap(t0, apps, heap);
    const windows = [];
    const stopAt = SECONDS * 1000;
    const [, faultsDone] = await Promise.all([
      setup.run(CONCURRENCY, stopAt, MAX_REQUESTS),
      injectFaults(t0, redis, postgres, windows, stopAt).then(() => true),
    ]);
    stopSampling();
    stopHeap();
    const elapsed = (performance.now() - t0) / 1000;
    console.log(`workload done after ${elapsed.toFixed(1)} s: ${recorder.records.length} requests`);

    // A replica that never catches up is a failed check, not a crash: the memory figures are still written.
    const rsToken = await rsAdminToken();
    const projection = await projectionsMatch(authDb, replicas, rsToken).catch(async (error) => ({
      seq: null,
      error: String(error),
      results: replicas.map((rs) => ({ rs, same: false, diff: { error: String(error) } })),
      diagnosis: await syncDiagnosis(redis.url, replicas, rsToken, apps),
    }));
    if (projection.diagnosis) console.log(`sync diagnosis: ${JSON.stringify(projection.diagnosis, null, 2)}`);
    const { tally, failures, perWindow, steadyLatency } = classify(recorder.records, windows);
    const rss = Object.fromEntries(Object.entries(samples).map(([name, series]) => [name, rssGrowth(series, SECONDS, windows)]));
    const profile = Object.fromEntries(Object.entries(samples).map(([name, series]) => [name, rssProfile(series, SECONDS, windows)]));
    const heapProfile = Object.fromEntries(Object.entries(heap).map(([name, series]) => [name, rssProfile(series, SECONDS, windows)]));
    const heapGrowth = Object.fromEntries(Object.entries(heap).map(([name, series]) => [name, rssGrowth(series, SECONDS, windows)]));
    const checks = [
      {
        name: 'the workload ran every operation',
        ok: ['protected', 'client_credentials', 'introspection', 'refresh', 'login', 'code_exchange', 'admin'].every((op) => tally[op]),
      },
      {
        name: 'faults injected (Redis outage and PostgreSQL restart)',
        ok: faultsDone && windows.some((w) => w.kind === 'redis') && windows.some((w) => w.kind === 'postgres'),
      },
      { name: 'every resource server projection equals the auth server registry', ok: projection.results.every((r) => r.same) },
      { name: 'no 500 at all', ok: failures.serverErrors.length === 0 },
      { name: 'no 5xx or network error outside an injected outage', ok: failures.outsideOutage.length === 0 && warmupFailures.length === 0 },
      ...Object.entries(rss).map(([name, r]) =>
        r.growth < RSS_LIMIT || SECONDS >= SHORT_RUN_SECONDS
          ? { name: `${name} RSS grew < ${RSS_LIMIT * 100}% over the second half (${(r.growth * 100).toFixed(2)}%)`, ok: r.growth < RSS_LIMIT }
          : {
              name: `${name} RSS grew ${(r.growth * 100).toFixed(2)}% over the second half of a short run, and stayed under ${RSS_TARGET_MB} MB (p90 ${r.last.p90} MB)`,
              ok: r.last.p90 < RSS_TARGET_MB,
            },
      ),
    ];
    for (const a of apps) if (!a.alive()) checks.push({ name: `${a.name} is still running (see ${a.log})`, ok: false });

    const rate = (recorder.records.length / elapsed).toFixed(0);
    console.log(`requests: ${recorder.records.length} (${rate}/s)`);
    for (const [op, { steady, outage }] of Object.entries(tally))
      console.log(`  ${op.padEnd(18)} steady ${JSON.stringify(steady)}  outage ${JSON.stringify(outage)}`);
    for (const w of perWindow)
      console.log(
        `  window ${w.kind.padEnd(8)} ${(w.start / 1000).toFixed(1)}-${(w.end / 1000).toFixed(1)} s (+${GRACE_MS / 1000} s): ${w.requests} requests, ${w.status5xx} 5xx, ${w.network} network errors`,
      );
    for (const [name, r] of Object.entries(rss)) {
      const f = (q) => `p10 ${q.p10} / median ${q.median} / p90 ${q.p90}`;
      const h = heapGrowth[name];
      console.log(
        `  heap used ${name}: p10 ${h.first.p10} -> ${h.last.p10} MB over the second half (${(h.growth * 100).toFixed(2)}%), range ${h.minMb}-${h.maxMb} MB`,
      );
      console.log(`  rss ${name}: ${f(r.first)} -> ${f(r.last)} MB over the second half (p10 ${(r.growth * 100).toFixed(2)}%), range ${r.minMb}-${r.maxMb} MB`);
    }
    for (const [name, p] of Object.entries(profile))
      console.log(
        `  rss ${name} over the run: p10 ${p.p10} / median ${p.p50} / p90 ${p.p90} MB; median every ${p.stepSeconds} s: ${p.medians.join(' ')} (heap used: ${heapProfile[name].medians.join(' ')})`,
      );
    for (const r of projection.results)
      console.log(
        `  projection ${r.rs}: ${r.same ? 'equal' : 'DIFFERENT'} (${r.clients} clients, ${r.active} active, ${r.scopes} scopes, ${r.associations} associations, seq ${projection.seq})${r.diff ? ` ${JSON.stringify(r.diff)}` : ''}`,
      );
    for (const f of failures.outsideOutage.slice(0, 10)) console.log(`  outside an outage: ${f.op} ${f.status} at ${(f.start / 1000).toFixed(2)} s`);
    for (const check of checks) console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}`);
    const passed = checks.filter((c) => c.ok).length;
    console.log(`soak: ${passed} passed, ${checks.length - passed} failed`);

    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/soak-${started.toISOString().replace(/[:.]/g, '-')}.json`;
    const result = {
      startedAt: started.toISOString(),
      seconds: SECONDS,
      elapsedSeconds: +elapsed.toFixed(1),
      concurrency: CONCURRENCY,
      prefillTokens: PREFILL_TOKENS,
      warmupSeconds: WARMUP_SECONDS,
      warmupRequests: warmup.length,
      warmupFailures: warmupFailures.slice(0, 100),
      faultEverySeconds: FAULT_EVERY,
      graceMs: GRACE_MS,
      requests: recorder.records.length,
      operations: setup.counts,
      statuses: tally,
      windows: perWindow,
      steadyLatency,
      failuresOutsideOutage: failures.outsideOutage.slice(0, 100),
      serverErrors: failures.serverErrors.slice(0, 100),
      authEnv: AUTH_ENV,
      authFlags: AUTH_FLAGS,
      rsFlags: RS_FLAGS,
      malloc: APP_MALLOC_ENV,
      rss,
      rssProfile: profile,
      heapUsedProfile: heapProfile,
      rssSeries: samples,
      heapUsed: heapGrowth,
      heapUsedSeries: heap,
      projection,
      checks,
    };
    writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
    console.log(`results: ${file}`);
    exitCode = checks.every((c) => c.ok) ? 0 : 1;
  } catch (error) {
    console.error(error);
    for (const a of apps) console.error(`${a.name} log: ${a.log}`);
  } finally {
    for (const a of apps) await a.stop();
    await redis.stop();
    await postgres.destroy();
  }
  process.exit(exitCode);
}

// `npm run soak -- --minutes 30 --token-lifetime 60`: the storage soak (bench/soak-storage.js) instead.
if (process.argv.length > 2) {
  const { storageSoak } = await import('./soak-storage.js');
  await storageSoak(process.argv.slice(2)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  await main();
}
