// Shared by bench/run.js and bench/resource.js.
import autocannon from 'autocannon';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { procStat } from './proc-stat.js';

export { freePort } from '../dist/libs/testing/src/free-port.js';

export const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = 50;
const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * BENCH_PIN=1: each server under test on one core, as issue 19 states its target ("on one core"):
 * the server child runs on CPU 0 alone (taskset, every thread of it, its signing thread and libuv's
 * pool included), this process (autocannon) and the bench database's PostgreSQL backends on the
 * other CPUs. Unpinned, the servers, PostgreSQL and the load generator share every core, and a
 * server whose work runs on threads (the bare signer's WebCrypto) takes more than one.
 */
export const PINNED = process.env.BENCH_PIN === '1';
const SERVER_CPU = '0';
const OTHER_CPUS = `1-${availableParallelism() - 1}`;

function pin(pid, cpus) {
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
  // A backend that ended between the listing and the call is not an error.
  if (pinned.status !== 0 && !/No such process/.test(pinned.stderr)) throw new Error(`taskset -p ${cpus} ${pid}: ${pinned.stderr || pinned.error}`);
}

if (PINNED) {
  if (availableParallelism() < 2) throw new Error('BENCH_PIN=1 needs two CPUs or more');
  pin(process.pid, OTHER_CPUS);
}

/** Under BENCH_PIN, moves the PostgreSQL backends serving `db`'s database off the server's CPU. */
export async function pinDatabaseBackends(db) {
  if (!PINNED) return;
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  for (const { pid } of rows) pin(pid, OTHER_CPUS);
}

/** A new database on the bench PostgreSQL server (dropped by `drop`). */
export async function freshDatabase(prefix = 'portcullis_bench', reuse = process.env.DATABASE_URL) {
  if (reuse) return { url: reuse, drop: async () => {} };
  const name = `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function measure(name, options, duration = DURATION_SECONDS) {
  const result = await autocannon({ connections: CONNECTIONS, duration, ...options });
  const non2xx = result.non2xx + result.errors;
  const row = { name, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx };
  console.log(
    `${name.padEnd(32)} ${String(row.rps).padStart(8)} rps  p50 ${String(row.p50).padStart(4)} ms  p99 ${String(row.p99).padStart(4)} ms  non-2xx ${non2xx}`,
  );
  return row;
}

/** Starts bench/server-child.js in `mode`; resolves with its port, a `rss()` probe and `stop()`. */
export function childServer(mode, env = {}, execArgv = []) {
  // Pinned: taskset execs node in its place (same pid, same IPC channel).
  const launch = PINNED ? { execPath: 'taskset', execArgv: ['-c', SERVER_CPU, process.execPath, ...execArgv] } : { execArgv };
  const child = fork(new URL('./server-child.js', import.meta.url), [mode], {
    env: { ...process.env, ...env },
    ...launch,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = []; // rss probes in flight, answered in order
  const exited = new Promise((done) => child.once('exit', done));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
    child.on('message', (message) => {
      if (message.port) {
        resolve({
          url: `http://127.0.0.1:${message.port}`,
          rss: () =>
            new Promise((done, fail) => {
              const timer = setTimeout(() => fail(new Error(`${mode} child did not answer the rss probe`)), 5000);
              waiting.push((answer) => (clearTimeout(timer), done(answer)));
              child.send('rss');
            }),
          stop: () => (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'), exited),
          /** A normal exit ('close': the app closes first), so that --cpu-prof writes its profile. */
          exit: (message = 'exit') => (child.connected && child.send(message), exited),
        });
      }
      if (message.rss) waiting.shift()?.(message);
    });
  });
}

/**
 * Paired rounds: on a machine whose speed drifts by tens of percent between minutes (other
 * tenants), a case measured right after its baseline shares the conditions, so each round's ratio
 * is kept and the run reports their median. BENCH_ROUNDS sets the count (bench/run.js: 5 by default,
 * the resource and edge benches: 3, for their target cases).
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : +((sorted[middle - 1] + sorted[middle]) / 2).toFixed(3);
}

/** " (round 2 of 3)" when a case runs in rounds, "" when it runs once. */
export function roundLabel(round, rounds) {
  return rounds > 1 ? ` (round ${round} of ${rounds})` : '';
}

/**
 * `field` of the rows `isApp` picks over that of the rows `isBase` picks in the same round (rows
 * without a round count as round 1): `{ median, rounds }`, `{}` when no round has both.
 */
export function pairedRatio(rows, isApp, isBase, field = 'rps') {
  const byRound = (picks) => new Map(rows.filter(picks).map((row) => [row.round ?? 1, row[field]]));
  const [apps, bases] = [byRound(isApp), byRound(isBase)];
  const rounds = [...apps.keys()].filter((round) => bases.get(round) > 0).map((round) => +(apps.get(round) / bases.get(round)).toFixed(3));
  return rounds.length === 0 ? {} : { median: median(rounds), rounds };
}

/**
 * CPU time (µs, user + system) of the processes named `postgres` on this host, by pid, read from
 * /proc; null where there is no /proc. On a 2-core machine the database shares the CPU with the app
 * and autocannon, so its share per request is part of what bounds rps.
 */
export function postgresCpuSample() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const micros = new Map();
  for (const pid of pids) {
    try {
      const { name, cpuMicros } = procStat(pid);
      if (name === 'postgres') micros.set(pid, cpuMicros);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return micros;
}

/** CPU the database used between two samples: processes that ended in between are not counted. */
export function postgresCpuBetween(before, after) {
  if (before === null || after === null) return null;
  let micros = 0;
  for (const [pid, now] of after) micros += now - (before.get(pid) ?? 0);
  return micros;
}

/** Writes a bench's results to bench/results/<date><suffix>.json; returns the file's path. */
export function writeResults(suffix, results) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${results.date}${suffix}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file.pathname;
}

/** Runs a bench's main() and exits with its outcome (its child processes must not keep it alive). */
export function runBench(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
