// The storage soak (issue 19, "how it is checked"): `npm run soak -- --minutes 30 --token-lifetime 60`.
// The real auth server (bench/server-child.js, its own database on the bench PostgreSQL server,
// dropped at the end) issues client_credentials tokens at a constant rate, each with a short
// access-token lifetime, while the retention job runs on a short interval; every --sample seconds
// the soak reads the grants table's row count, its size on disk (heap + indexes + toast), how many
// of its rows still carry a live access token, and the job's counters, and prints them as a table
// (docs/soak.md, "Storage"). Bounded: the rate, the duration and MAX_IN_FLIGHT; loopback only.
// Options: --minutes (30) --token-lifetime (60 s) --rate (tokens/s, 200) --retention-interval (30 s)
// --sample (60 s) --audit-days (the auditRetentionDays setting, 1: the shortest allowed).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';
import { childServer, freshDatabase, writeResults } from './lib.js';

const MAX_IN_FLIGHT = 64;

export async function storageSoak(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '30' },
      'token-lifetime': { type: 'string', default: '60' },
      rate: { type: 'string', default: '200' },
      'retention-interval': { type: 'string', default: '30' },
      sample: { type: 'string', default: '60' },
      'audit-days': { type: 'string', default: '1' },
    },
  });
  const minutes = Number(values.minutes);
  const lifetime = Number(values['token-lifetime']);
  const rate = Number(values.rate);
  const sampleSeconds = Number(values.sample);
  const database = await freshDatabase('portcullis_soak_storage');
  const adminPassword = randomBytes(12).toString('base64url');
  const admin = `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}`;
  let app;
  let db;
  try {
    app = await childServer('auth', {
      BENCH_AUTH_DATABASE_URL: database.url,
      BENCH_ADMIN_PASSWORD: adminPassword,
      BENCH_AUTH_ENV: JSON.stringify({ RETENTION_INTERVAL_SECONDS: values['retention-interval'] }),
    });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const settings = await fetch(`${app.url}/admin/v1/settings`, {
      method: 'PATCH',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ auditRetentionDays: Number(values['audit-days']) }),
    });
    if (settings.status !== 200) throw new Error(`PATCH settings: ${settings.status} ${await settings.text()}`);
    const client = await insertClient(db, lifetime);
    // Deleted rows leave space that only VACUUM makes reusable; autovacuum does it in production (on
    // by default). A server with it off (this machine's shared one) would show bloat, not retention:
    // the soak then vacuums the table after each sample, as autovacuum would, and says so.
    const vacuumed = (await db.query('SHOW autovacuum')).rows[0].autovacuum !== 'on';
    if (vacuumed) console.log('autovacuum is off on this server: the soak runs VACUUM grants after each sample in its place');

    console.log(
      `storage soak: ${minutes} min, ${rate} client_credentials tokens/s, access tokens of ${lifetime} s, retention every ${values['retention-interval']} s, auditRetentionDays ${values['audit-days']}`,
    );
    const samples = [];
    const counts = { sent: 0, ok: 0, failed: 0, statuses: {} };
    const t0 = Date.now();
    const stopAt = t0 + minutes * 60_000;
    const sample = async () => {
      samples.push(await readStorage(db, app.url, (Date.now() - t0) / 60_000, counts));
      if (vacuumed) await db.query('VACUUM grants');
    };
    await sample();
    const sampler = setInterval(() => void sample().then(() => printRow(samples.at(-1))), sampleSeconds * 1000);
    printHeader();
    printRow(samples[0]);
    await issueAtRate(`${app.url}/oauth/token`, client.authorization, rate, stopAt, counts);
    clearInterval(sampler);
    await sample();
    printRow(samples.at(-1));

    const verdict = judge(samples, { lifetime });
    console.log(verdict.text);
    const file = writeResults('-soak-storage', {
      date: new Date().toISOString().replace(/[:.]/g, '-'),
      options: values,
      vacuumedBySoak: vacuumed,
      counts,
      samples,
      verdict,
    });
    console.log(`written ${file}`);
    if (counts.failed > 0) throw new Error(`${counts.failed} token requests failed: ${JSON.stringify(counts.statuses)}`);
  } finally {
    await db?.end();
    if (app) await app.exit('close');
    await database.drop();
  }
}

async function insertClient(db, lifetime) {
  const clientId = `soak-storage-${randomBytes(3).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO scopes (name) VALUES ('soak.read') ON CONFLICT DO NOTHING`);
  const { rows } = await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants, redirect_uris, access_token_lifetime_mode, access_token_lifetime_seconds)
     VALUES ($1, $1, '1', 'confidential', $2, '["client_credentials"]', '[]', 'seconds', $3) RETURNING id`,
    [clientId, hashClientSecret(secret), lifetime],
  );
  await db.query(`INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'soak.read')`, [rows[0].id]);
  return { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` };
}

/** A constant rate: every 100 ms a tenth of a second's requests, none past MAX_IN_FLIGHT (then the tick's rest is counted as skipped). */
async function issueAtRate(url, authorization, rate, stopAt, counts) {
  let inFlight = 0;
  counts.skipped = 0;
  const send = async () => {
    inFlight++;
    counts.sent++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      counts.statuses[response.status] = (counts.statuses[response.status] ?? 0) + 1;
      if (response.status === 200) counts.ok++;
      else counts.failed++;
    } catch (error) {
      counts.statuses[error.name] = (counts.statuses[error.name] ?? 0) + 1;
      counts.failed++;
    } finally {
      inFlight--;
    }
  };
  const perTick = rate / 10;
  let owed = 0;
  while (Date.now() < stopAt) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      if (inFlight >= MAX_IN_FLIGHT) counts.skipped++;
      else void send();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function readStorage(db, url, minute, counts) {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM grants)::int AS rows,
            (SELECT count(*) FROM grants WHERE access_expires_at > now())::int AS live,
            pg_total_relation_size('grants')::bigint AS bytes,
            (SELECT count(*) FROM audit_events)::int AS audit`,
  );
  const metrics = await fetch(`${url}/metrics`)
    .then((response) => response.text())
    .catch(() => '');
  const removed = Number(/^retention_rows_removed_total\{table="grants"\} (\S+)/m.exec(metrics)?.[1] ?? 0);
  const runs = Number(/^retention_runs_total\{outcome="completed"\} (\S+)/m.exec(metrics)?.[1] ?? 0);
  return { minute: +minute.toFixed(1), issued: counts.ok, ...rows[0], bytes: Number(rows[0].bytes), removed, runs, load1: +loadavg()[0].toFixed(1) };
}

const COLUMNS = ['minute', 'issued', 'rows', 'live', 'MB', 'bytes/row', 'removed', 'runs', 'audit', 'load'];

function printHeader() {
  console.log(COLUMNS.map((name) => name.padStart(10)).join(''));
}

function printRow(row) {
  const cells = [
    row.minute,
    row.issued,
    row.rows,
    row.live,
    (row.bytes / 2 ** 20).toFixed(1),
    row.rows ? Math.round(row.bytes / row.rows) : '-',
    row.removed,
    row.runs,
    row.audit,
    row.load1,
  ];
  console.log(cells.map((cell) => String(cell).padStart(10)).join(''));
}

/**
 * Stable: over the run's second half the grants table's rows and its size on disk each stay within
 * 15% of their median (a level, whatever the load did to the achieved rate). A dead grant leaves
 * once its access token has been expired five minutes (docs/retention.md), its token.issued event
 * filed into audit_events, which is bounded by auditRetentionDays instead: the table holds about
 * the achieved rate x (lifetime + 5 min + the job's interval).
 */
export function judge(samples, { lifetime }) {
  const half = samples.filter((row) => row.minute >= samples.at(-1).minute / 2);
  const [first, last] = [half[0], half.at(-1)];
  const spread = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    return median ? (sorted.at(-1) - sorted[0]) / median : 0;
  };
  const rowSpread = spread(half.map((row) => row.rows));
  const sizeSpread = spread(half.map((row) => row.bytes));
  const achievedRate = (last.issued - first.issued) / Math.max(1, (last.minute - first.minute) * 60);
  const expectedRows = Math.round(achievedRate * (lifetime + 300));
  const stable = rowSpread < 0.15 && sizeSpread < 0.15;
  const text =
    `${stable ? 'STABLE' : 'GROWING'}: over the second half the grants table held ${Math.min(...half.map((row) => row.rows))}-${Math.max(...half.map((row) => row.rows))} rows ` +
    `(spread ${(rowSpread * 100).toFixed(1)}% of the median) and ${(Math.min(...half.map((row) => row.bytes)) / 2 ** 20).toFixed(1)}-${(Math.max(...half.map((row) => row.bytes)) / 2 ** 20).toFixed(1)} MB ` +
    `(${(sizeSpread * 100).toFixed(1)}%); at the achieved ${achievedRate.toFixed(0)} tokens/s, about ${expectedRows.toLocaleString('en')} rows are expected (rate x (lifetime + 5 min)); ` +
    `the job removed ${last.removed} grants, and audit_events holds their token.issued events (${last.audit})`;
  return { stable, rowSpread: +rowSpread.toFixed(4), sizeSpread: +sizeSpread.toFixed(4), achievedRate: +achievedRate.toFixed(1), expectedRows, text };
}
