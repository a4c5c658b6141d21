// The `device` case of bench/run.js (issue 17, performance): device-flow polling at scale. Devices
// wait for their users and poll POST /oauth/token every 5 s, as RFC 8628 tells them to (each poll
// answered authorization_pending); first BENCH_DEVICE_COUNTS[0] of them (default 100), then
// [1] (default 1,000), with 100,000 expired requests in the table beside them. For each, over
// BENCH_DEVICE_SECONDS (default 15) after a warm-up: the auth server's CPU per poll and in cores,
// PostgreSQL's CPU per poll, and what pg_stat_database counts per poll (transactions, rows read:
// a scan would show there), each minus the same window idle (the app's background jobs). Flat
// means a poll costs the same at 1,000 waiting devices as at 100: no scan, no per-device work.
import { randomBytes } from 'node:crypto';
import { postgresCpuBetween, postgresCpuSample } from './lib.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const COUNTS = (process.env.BENCH_DEVICE_COUNTS ?? '100,1000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_DEVICE_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_DEVICE_WARMUP ?? 5);
const POLL_INTERVAL_MS = 5000;
const FILLER_ROWS = Number(process.env.BENCH_DEVICE_FILLER ?? 100_000);
/** Per-poll server CPU at the largest count over the smallest: at most this to call it flat. */
const FLAT_RATIO = 1.5;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A public client registered for the device grant only, and the expired requests around its live ones. */
async function prepare(db) {
  const clientId = `bench-device-${randomBytes(4).toString('hex')}`;
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, grants, redirect_uris, refresh_count_mode)
     VALUES ($1, $1, '1', 'public', $2, '[]', 'limited') RETURNING id`,
    [clientId, JSON.stringify([DEVICE_GRANT])],
  );
  await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'bench.read')`, [rows[0].id]);
  await db.query(
    `INSERT INTO device_requests (device_code_hash, user_code_hash, client_ref, client_id, scope_requested, expires_at)
     SELECT 'filler-d-' || g, 'filler-u-' || g, $1, $2, false, now() - interval '10 minutes' FROM generate_series(1, $3::int) g`,
    [rows[0].id, clientId, FILLER_ROWS],
  );
  await db.query('ANALYZE device_requests');
  return clientId;
}

/** `count` device requests through the real endpoint, 25 at a time; their device codes. */
async function startDevices(url, clientId, count) {
  const codes = [];
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, async () => {
      const response = await fetch(`${url}/oauth/device_authorization`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, scope: 'bench.read' }),
      });
      if (response.status !== 200) throw new Error(`device_authorization: ${response.status} ${await response.text()}`);
      return (await response.json()).device_code;
    });
    codes.push(...(await Promise.all(batch)));
  }
  return codes;
}

/**
 * Every device polls as a client library does: the interval after each answer (5 s, 5 more after
 * a slow_down), the first polls spread over one interval; stop() ends them.
 */
function poll(url, clientId, codes) {
  const answers = {};
  const timers = new Set();
  let stopped = false;
  let inFlight = 0;
  const later = (ms, run) => {
    const timer = setTimeout(() => (timers.delete(timer), run()), ms);
    timers.add(timer);
  };
  const device = async (code, intervalMs) => {
    if (stopped) return;
    inFlight += 1;
    let key;
    try {
      const response = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: code, client_id: clientId }),
      });
      const body = await response.json();
      key = body.error ?? String(response.status);
    } catch {
      key = 'network';
    } finally {
      inFlight -= 1;
    }
    answers[key] = (answers[key] ?? 0) + 1;
    const next = key === 'slow_down' ? intervalMs + 5000 : intervalMs;
    if (key === 'authorization_pending' || key === 'slow_down') later(next, () => void device(code, next));
  };
  codes.forEach((code, index) => later(Math.floor((index * POLL_INTERVAL_MS) / codes.length), () => void device(code, POLL_INTERVAL_MS)));
  return {
    answers,
    reset: () => Object.keys(answers).forEach((key) => delete answers[key]),
    async stop() {
      stopped = true;
      timers.forEach((timer) => clearTimeout(timer));
      while (inFlight > 0) await sleep(20);
    },
  };
}

/** What pg_stat_database counts for the app's database so far (flushed by backends within a second or so). */
async function databaseCounters(db) {
  const { rows } = await db.query(
    `SELECT xact_commit + xact_rollback AS transactions, tup_returned + tup_fetched AS rows_read, tup_updated AS rows_updated
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
}

/** App CPU, PostgreSQL CPU and database counters over `seconds`, while whatever runs runs. */
async function window(app, db, seconds) {
  const [cpuBefore, pgBefore, countersBefore] = [(await app.rss()).cpuMicros, postgresCpuSample(), await databaseCounters(db)];
  await sleep(seconds * 1000);
  // Backends flush their statistics at most once a second.
  await sleep(1500);
  const [cpuAfter, pgAfter, countersAfter] = [(await app.rss()).cpuMicros, postgresCpuSample(), await databaseCounters(db)];
  const counters = Object.fromEntries(Object.keys(countersAfter).map((key) => [key, countersAfter[key] - countersBefore[key]]));
  return { serverMicros: cpuAfter - cpuBefore, databaseMicros: postgresCpuBetween(pgBefore, pgAfter), counters };
}

/** Rows for bench/run.js's results and a summary for its ratios. */
export async function measureDevicePolling({ app, db }) {
  const clientId = await prepare(db);
  const idle = await window(app, db, SECONDS);
  const rows = [];
  const all = [];
  for (const count of COUNTS) {
    const codes = await startDevices(app.url, clientId, count);
    all.push(...codes);
    const polling = poll(app.url, clientId, codes);
    await sleep(WARMUP_SECONDS * 1000);
    polling.reset();
    const measured = await window(app, db, SECONDS);
    await polling.stop();
    const polls = Object.values(polling.answers).reduce((sum, n) => sum + n, 0);
    const per = (value, idleValue) => (value === null || idleValue === null ? null : Math.round((value - idleValue) / polls));
    const perCounter = (key) => +((measured.counters[key] - idle.counters[key]) / polls).toFixed(2);
    const row = {
      name: `app device polling, ${count} waiting devices`,
      devices: count,
      rps: Math.round(polls / (SECONDS + 1.5)),
      polls,
      answers: { ...polling.answers },
      serverCpuMicrosPerPoll: per(measured.serverMicros, idle.serverMicros),
      serverCores: +(measured.serverMicros / 1e6 / (SECONDS + 1.5)).toFixed(3),
      databaseCpuMicrosPerPoll: per(measured.databaseMicros, idle.databaseMicros),
      databaseTransactionsPerPoll: perCounter('transactions'),
      databaseRowsReadPerPoll: perCounter('rows_read'),
      databaseRowsUpdatedPerPoll: perCounter('rows_updated'),
    };
    console.log(
      `${row.name.padEnd(44)} ${String(row.rps).padStart(5)} polls/s  server ${row.serverCpuMicrosPerPoll} us/poll (${row.serverCores} cores)  ` +
        `PostgreSQL ${row.databaseCpuMicrosPerPoll} us/poll  ${row.databaseTransactionsPerPoll} transactions, ${row.databaseRowsReadPerPoll} rows read, ` +
        `${row.databaseRowsUpdatedPerPoll} rows updated per poll  answers ${JSON.stringify(row.answers)}`,
    );
    rows.push(row);
  }
  const [smallest, largest] = [rows[0], rows[rows.length - 1]];
  const serverRatio = +(largest.serverCpuMicrosPerPoll / smallest.serverCpuMicrosPerPoll).toFixed(3);
  const summary = {
    idleServerCores: +(idle.serverMicros / 1e6 / (SECONDS + 1.5)).toFixed(3),
    serverCpuPerPollRatio: serverRatio,
    databaseTransactionsPerPoll: largest.databaseTransactionsPerPoll,
    target: `server CPU per poll at ${largest.devices} devices within ${FLAT_RATIO}x of ${smallest.devices}; about one statement per poll`,
    pass: serverRatio <= FLAT_RATIO && largest.databaseTransactionsPerPoll <= 1.5,
  };
  console.log(
    `device polling: server CPU per poll at ${largest.devices} devices = ${Math.round(serverRatio * 100)}% of at ${smallest.devices}, ` +
      `${largest.databaseTransactionsPerPoll} database transactions per poll: ${summary.pass ? 'PASS (flat)' : 'FAIL'}`,
  );
  return { rows, summary };
}
