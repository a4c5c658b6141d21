// Capacity figures (issue 19 item 7, docs/capacity.md): what one token and one protected call cost
// the machines they touch, measured here. The auth server and a resource server each run in a
// child process (bench/server-child.js) on a PostgreSQL cluster and a redis-server of the bench's
// OWN (libs/testing: loopback ports, temp directories, stopped at the end), so that every counter
// read belongs to this workload alone:
//   CPU: the app process's (process.cpuUsage, all its threads); PostgreSQL's (every process of the
//        private cluster, from /proc, by the pids pg_stat_activity lists: backends and background
//        workers alike);
//   database writes: pg_stat_database (rows inserted, updated, deleted; commits);
//   WAL bytes: pg_current_wal_lsn() before and after (the cluster is ours: nothing else writes);
//   Redis: INFO stats (commands processed, bytes in and out).
// Each case: a warm-up, then BENCH_DURATION s (default 10) of autocannon, 50 connections; per-request
// figures are the deltas divided by the requests answered.
//   token: POST /oauth/token, client_credentials (a grant row, an ES256 signature);
//   introspection: POST /oauth/introspect of one valid token;
//   protected call: GET /api/me on the resource server with a valid JWT (verified locally).
// Usage: npm run bench:capacity   (the private cluster runs with fsync off, as every test cluster
// here: WAL volume and CPU are what they would be, the disk's flush latency is not measured)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { TestPostgres } from '../dist/libs/testing/src/test-postgres.js';
import { TestRedis } from '../dist/libs/testing/src/test-redis.js';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { RETENTION_RULES } from '../dist/apps/auth-server/src/retention/retention-rules.js';
import { resourceThreadPoolEnv } from '../dist/apps/resource-server/src/workers/thread-pool.js';
import { childServer, freePort, measure, runBench, writeResults } from './lib.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const AUDIENCE = 'http://localhost:3001';
const RESOURCE = { clientId: 'capacity-resource-server', clientSecret: randomBytes(32).toString('base64url') };
const RS_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=256'];
/** An idle backend sends its pending pg_stat_database counts within 10 s (PGSTAT_IDLE_INTERVAL): each snapshot waits that long first. */
const STATS_SETTLE_MS = 11_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU µs (user + system) of these pids, from /proc/<pid>/stat (USER_HZ 100). */
function cpuOfPids(pids) {
  let micros = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      micros += (Number(fields[11]) + Number(fields[12])) * 10_000;
    } catch {
      // ended
    }
  }
  return micros;
}

async function redisInfo(url) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const text = await redis.info('stats');
    const field = (name) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    // Our own INFO call counts once in each sample: the deltas are corrected by one command.
    return { commands: field('total_commands_processed'), inBytes: field('total_net_input_bytes'), outBytes: field('total_net_output_bytes') };
  } finally {
    redis.disconnect();
  }
}

/** Every counter the figures are made of, at one instant. */
async function snapshot(monitor, apps, redisUrl) {
  const { rows: pids } = await monitor.query('SELECT pid FROM pg_stat_activity');
  const { rows: wal } = await monitor.query('SELECT pg_current_wal_lsn()::text AS lsn');
  const { rows: stats } = await monitor.query(
    `SELECT sum(tup_inserted)::bigint AS inserted, sum(tup_updated)::bigint AS updated, sum(tup_deleted)::bigint AS deleted, sum(xact_commit)::bigint AS commits
     FROM pg_stat_database WHERE datname IS NOT NULL`,
  );
  const appCpu = {};
  for (const [name, app] of Object.entries(apps)) appCpu[name] = (await app.rss()).cpuMicros;
  return {
    // CPU by pid: a pid that appears later (a new pool connection) counts from zero.
    postgresCpu: new Map(pids.map((row) => [row.pid, cpuOfPids([row.pid])])),
    lsn: wal[0].lsn,
    stats: Object.fromEntries(Object.entries(stats[0]).map(([key, value]) => [key, Number(value)])),
    appCpu,
    redis: await redisInfo(redisUrl),
  };
}

async function perRequest(monitor, before, after, requests, server) {
  const { rows } = await monitor.query('SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint AS bytes', [after.lsn, before.lsn]);
  let postgresCpu = 0;
  for (const [pid, micros] of after.postgresCpu) postgresCpu += micros - (before.postgresCpu.get(pid) ?? 0);
  const per = (value) => +(value / requests).toFixed(3);
  return {
    requests,
    appCpuMs: per((after.appCpu[server] - before.appCpu[server]) / 1000),
    postgresCpuMs: per(postgresCpu / 1000),
    rowsInserted: per(after.stats.inserted - before.stats.inserted),
    rowsUpdated: per(after.stats.updated - before.stats.updated),
    rowsDeleted: per(after.stats.deleted - before.stats.deleted),
    commits: per(after.stats.commits - before.stats.commits),
    walBytes: Math.round(Number(rows[0].bytes) / requests),
    redisCommands: per(after.redis.commands - before.redis.commands - 1),
    redisBytes: per(after.redis.inBytes + after.redis.outBytes - before.redis.inBytes - before.redis.outBytes),
  };
}

async function measureCase(context, name, server, options) {
  const { monitor, apps, redisUrl } = context;
  if (WARMUP > 0) await measure(`${name} (warm-up)`, options, WARMUP);
  await sleep(STATS_SETTLE_MS);
  const before = await snapshot(monitor, apps, redisUrl);
  const load = loadavg()[0];
  const row = await measure(name, options, DURATION);
  await sleep(STATS_SETTLE_MS);
  const after = await snapshot(monitor, apps, redisUrl);
  const figures = await perRequest(monitor, before, after, row.requests, server);
  const result = { name, rps: row.rps, p99: row.p99, non2xx: row.non2xx, load1: +load.toFixed(2), ...figures };
  console.log(`  ${JSON.stringify(result)}`);
  return result;
}

/**
 * The other half of a token's life in steady state: the retention job deleting its grant once it
 * is past the audit retention. The grants the token case wrote are made old by an UPDATE (not
 * counted), then removed by the job's own statement (RETENTION_RULES.grants, batches of 5,000)
 * until none is left; per grant: PostgreSQL CPU, rows deleted, WAL. Runs last: it expires the
 * token the other cases use.
 */
async function measureRetention(context, clientRef) {
  const { monitor, apps, redisUrl } = context;
  await monitor.end();
  const db = new pg.Client({ connectionString: Object.assign(new URL(context.postgresUrl), { pathname: '/capacity_auth' }).toString() });
  await db.connect();
  context.monitor = db;
  const aged = await db.query(
    `UPDATE grants SET created_at = created_at - interval '100 days', access_expires_at = now() - interval '1 hour' WHERE client_ref = $1`,
    [clientRef],
  );
  await sleep(STATS_SETTLE_MS);
  const before = await snapshot(db, apps, redisUrl);
  let removed = 0;
  for (;;) {
    const { rows } = await db.query(RETENTION_RULES.grants.statement, [5000, 90]);
    if (rows[0].removed === 0) break;
    removed += rows[0].removed;
  }
  await sleep(STATS_SETTLE_MS);
  const after = await snapshot(db, apps, redisUrl);
  const figures = await perRequest(db, before, after, Math.max(1, removed), 'auth');
  const result = { name: 'retention: a grant deleted', rps: null, p99: null, non2xx: 0, load1: +loadavg()[0].toFixed(2), ...figures, appCpuMs: 0 };
  console.log(`  aged ${aged.rowCount}, removed ${removed}: ${JSON.stringify(result)}`);
  return result;
}

async function main() {
  const redis = await TestRedis.start();
  const postgres = await TestPostgres.start();
  const children = [];
  let context;
  try {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE capacity_auth');
    await admin.query('CREATE DATABASE capacity_rs');
    await admin.end();
    const urlOf = (name) => Object.assign(new URL(postgres.url), { pathname: `/${name}` }).toString();
    const authPort = await freePort();
    const issuer = `http://127.0.0.1:${authPort}`;
    const common = {
      AUTH_ISSUER: issuer,
      REDIS_URL: redis.url,
      RESOURCE_AUDIENCE: AUDIENCE,
      RESOURCE_CLIENT_ID: RESOURCE.clientId,
      RESOURCE_CLIENT_SECRET: RESOURCE.clientSecret,
    };
    const auth = await childServer('auth', {
      BENCH_AUTH_DATABASE_URL: urlOf('capacity_auth'),
      BENCH_AUTH_PORT: String(authPort),
      BENCH_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
      BENCH_AUTH_ENV: JSON.stringify({ ...common, RETENTION_INTERVAL_SECONDS: '0' }),
    });
    children.push(auth);
    const db = new pg.Client({ connectionString: urlOf('capacity_auth') });
    await db.connect();
    const secret = randomBytes(32).toString('base64url');
    await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
    const { rows } = await db.query(
      `INSERT INTO clients (client_id, name, version, type, secret_hash, grants) VALUES ('capacity-client', 'capacity-client', '1', 'confidential', $1, '["client_credentials"]') RETURNING id`,
      [hashClientSecret(secret)],
    );
    await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'bench.read')`, [rows[0].id]);
    await db.end();
    const authorization = `Basic ${Buffer.from(`capacity-client:${secret}`).toString('base64')}`;
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization } };
    const issue = async () => {
      const response = await fetch(`${issuer}/oauth/token`, { ...form, body: 'grant_type=client_credentials' });
      if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
      return (await response.json()).access_token;
    };
    // The token's audience is the resource server's (RESOURCE_AUDIENCE): the RS accepts it.
    const token = await issue();

    const rs = await childServer(
      'rs',
      {
        ...common,
        ...resourceThreadPoolEnv(process.env),
        RESOURCE_DATABASE_URL: urlOf('capacity_rs'),
        BENCH_SYNC_STREAM: 'portcullis:sync',
        LOG_LEVEL: 'error',
      },
      RS_FLAGS,
    );
    children.push(rs);
    for (let i = 0; ; i++) {
      const status = await fetch(`${rs.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (response) => (response.body?.cancel(), response.status),
      );
      if (status === 200) break;
      if (i > 300) throw new Error(`the resource server answers ${status} to a valid token`);
      await sleep(200);
    }

    const monitor = new pg.Client({ connectionString: postgres.url });
    await monitor.connect();
    context = { monitor, apps: { auth, rs }, redisUrl: redis.url, postgresUrl: postgres.url };
    const results = [
      await measureCase(context, 'token (client_credentials)', 'auth', { url: `${issuer}/oauth/token`, ...form, body: 'grant_type=client_credentials' }),
      await measureCase(context, 'introspection', 'auth', { url: `${issuer}/oauth/introspect`, ...form, body: `token=${token}` }),
      await measureCase(context, 'protected call (GET /api/me)', 'rs', { url: `${rs.url}/api/me`, headers: { authorization: `Bearer ${token}` } }),
    ];
    results.push(await measureRetention(context, rows[0].id));
    console.table(Object.fromEntries(results.map(({ name, ...row }) => [name, row])));
    const file = writeResults('-capacity', {
      date: new Date().toISOString().replace(/[:.]/g, '-'),
      node: process.version,
      cores: cpus().length,
      durationSeconds: DURATION,
      results,
    });
    console.log(`written ${file}`);
  } finally {
    await context?.monitor.end();
    for (const child of children) await child.stop();
    await postgres.destroy();
    await redis.stop();
  }
}

runBench(main);
