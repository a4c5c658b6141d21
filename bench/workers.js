// AUTH_WORKERS bench (issue 19 item 3): client_credentials against the built auth server
// (node dist/apps/auth-server/src/main.js, as production runs it) as one worker and as two, on one
// PostgreSQL database, 50 connections. Rounds alternate 1 then 2 workers (BENCH_ROUNDS, default 3),
// each pool started for its run and stopped after it; the figure is the median of the rounds'
// 2-vs-1 rps ratios. Beside rps it reports where the CPU went per token, from /proc: the workers,
// the primary (it accepts connections and hands them over), PostgreSQL, and this load generator.
// Usage: npm run build && node bench/workers.js   (BENCH_DURATION s per run, default 10)
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import pg from 'pg';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { DURATION_SECONDS, freePort, freshDatabase, measure, postgresCpuBetween, postgresCpuSample, runBench, writeResults } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 2);
const POOL_SIZES = [1, 2];

/** The built auth server with AUTH_WORKERS=`workers`, ready; stop() is SIGTERM and its exit. */
async function startPool(workers, databaseUrl) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['dist/apps/auth-server/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      AUTH_PORT: String(port),
      AUTH_ISSUER: url,
      AUTH_WORKERS: String(workers),
      LOG_LEVEL: 'error',
      ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the auth server (AUTH_WORKERS=${workers}) exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the auth server (AUTH_WORKERS=${workers}) never got ready`);
    // Ready when every worker answers: a pool's first worker may be up before the others.
    if ((await workersAnswering(url, workers)) === workers) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, pid: child.pid, workers, stop: () => (child.kill('SIGTERM'), exited) };
}

/** Distinct workers answering /health/ready on new connections (the primary deals them round robin). */
async function workersAnswering(url, workers) {
  const seen = new Set();
  for (let attempt = 0; attempt < 4 * workers; attempt++) {
    const worker = await new Promise((resolve) => {
      const request = get(`${url}/health/ready`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode === 200 ? (response.headers['x-portcullis-worker'] ?? 'single') : undefined);
      });
      request.once('error', () => resolve(undefined));
    });
    if (worker) seen.add(worker);
  }
  return seen.size;
}

/** Pids whose parent is `pid` (the pool's workers), from /proc. */
async function childrenOf(pid) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU µs (user + system, all threads) of one process, 0 once it is gone. */
function cpuMicrosOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

/** With AUTH_WORKERS=1 the process started is the app itself: its CPU counts as the worker's. */
async function cpuSample(pool) {
  const workers = pool.workers === 1 ? [pool.pid] : await childrenOf(pool.pid);
  const usage = process.cpuUsage();
  return {
    primary: pool.workers === 1 ? 0 : cpuMicrosOf(pool.pid),
    workers: workers.reduce((sum, pid) => sum + cpuMicrosOf(pid), 0),
    loadGenerator: usage.user + usage.system,
    postgres: postgresCpuSample(),
  };
}

async function insertClient(databaseUrl) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const clientId = `bench-workers-${randomBytes(4).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    await db.query(
      `INSERT INTO clients (client_id, name, version, type, secret_hash, grants, redirect_uris) VALUES ($1, $1, '1', 'confidential', $2, '["client_credentials"]', '[]')`,
      [clientId, hashClientSecret(secret)],
    );
    return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  } finally {
    await db.end();
  }
}

async function measurePool(workers, databaseUrl, authorization, round) {
  const pool = await startPool(workers, databaseUrl);
  try {
    const options = () => ({
      url: `${pool.url}/oauth/token`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: 'grant_type=client_credentials',
    });
    const name = `client_credentials, ${workers} worker${workers > 1 ? 's' : ''}`;
    if (WARMUP_SECONDS > 0) await measure(`${name} (warm-up)`, options(), WARMUP_SECONDS);
    const before = await cpuSample(pool);
    const row = await measure(name, options());
    const after = await cpuSample(pool);
    const perRequest = (micros) => Math.round(micros / row.requests);
    const cores = (micros) => +(micros / 1e6 / DURATION_SECONDS).toFixed(2);
    const postgres = postgresCpuBetween(before.postgres, after.postgres);
    const cpu = Object.fromEntries(
      [
        ['workers', after.workers - before.workers],
        ['primary', after.primary - before.primary],
        ['postgres', postgres],
        ['loadGenerator', after.loadGenerator - before.loadGenerator],
      ].map(([part, micros]) => [part, micros === null ? null : { microsPerRequest: perRequest(micros), cores: cores(micros) }]),
    );
    console.log(
      `${''.padEnd(32)} CPU per token (cores): ${Object.entries(cpu)
        .map(([part, used]) => `${part} ${used?.microsPerRequest ?? 'n/a'} us (${used?.cores ?? 'n/a'})`)
        .join(', ')}`,
    );
    return { ...row, workers, round, cpu };
  } finally {
    await pool.stop();
  }
}

async function main() {
  const database = await freshDatabase('portcullis_bench_workers');
  const results = [];
  try {
    // The first pool's boot migrates the fresh database; the client goes in after it.
    const migrating = await startPool(1, database.url);
    await migrating.stop();
    const authorization = await insertClient(database.url);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const workers of POOL_SIZES) results.push(await measurePool(workers, database.url, authorization, round));
    }
  } finally {
    await database.drop();
  }
  const rps = (round, workers) => results.find((row) => row.round === round && row.workers === workers).rps;
  const rounds = Array.from({ length: ROUNDS }, (_, index) => +(rps(index + 1, 2) / rps(index + 1, 1)).toFixed(3));
  const sorted = [...rounds].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : +((sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2).toFixed(3);
  console.log(`2 workers vs 1: median ${median} (rounds ${rounds.join(' ')})`);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const file = writeResults('-workers', {
    date,
    node: process.version,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    rounds: ROUNDS,
    results,
    ratio: { median, rounds },
  });
  console.log(`written ${file}`);
}

runBench(main);
