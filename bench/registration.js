// Registration benchmark (issue 16, performance): POST /oauth/register under the open policy.
// The real auth server runs in this process (bench/auth-fixture.js: a fresh PostgreSQL database,
// Redis), autocannon here, all on loopback; about 20 s in all.
//   1. Registrations, each with its own client_name (BENCH_REG_DURATION s, default 6): rps, p99.
//   2. Registrations that all share one client_name (4 s): the server picks a free version for
//      each, racing the other connections for it.
//   3. The per-IP limit under load: registrationsPerIpPerHour = 20, then 50 connections for 3 s
//      from one address: at most 20 registrations are stored, every other answer is 429 with Retry-After.
// Usage: npm run build && node bench/registration.js   (REDIS_URL, BENCH_PG_URL, BENCH_REG_DURATION)
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { startBenchAuthServer } from './auth-fixture.js';
import { CONNECTIONS, runBench, writeResults } from './lib.js';

const DURATION_SECONDS = Number(process.env.BENCH_REG_DURATION ?? 6);
const LIMIT = 20;
const REDIRECT = 'http://127.0.0.1/callback';

async function patchSettings(auth, changes) {
  const response = await fetch(`${auth.issuer}/admin/v1/settings`, {
    method: 'PATCH',
    headers: { authorization: auth.admin, 'content-type': 'application/json' },
    body: JSON.stringify(changes),
  });
  if (response.status !== 200) throw new Error(`settings: ${response.status} ${await response.text()}`);
}

/** autocannon over POST /oauth/register; `name(i)` gives each request's client_name. */
async function registrations(label, auth, duration, name) {
  let counter = 0;
  const statuses = {};
  let retryAfter;
  const result = await autocannon({
    url: `${auth.issuer}/oauth/register`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            client_name: name((counter += 1)),
            redirect_uris: [REDIRECT],
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
          }),
        }),
        onResponse: (status, _body, _context, headers) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 429) retryAfter ??= headers?.['retry-after'];
        },
      },
    ],
  });
  const row = {
    name: label,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    statuses,
    errors: result.errors,
    retryAfter,
  };
  console.log(
    `${label.padEnd(44)} ${String(row.rps).padStart(6)} rps  p50 ${String(row.p50).padStart(4)} ms  p99 ${String(row.p99).padStart(5)} ms  statuses ${JSON.stringify(statuses)}`,
  );
  return row;
}

async function main() {
  const auth = await startBenchAuthServer();
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const results = [];
  try {
    await patchSettings(auth, { dynamicRegistration: 'open', registrationPolicy: { registrationsPerIpPerHour: 1_000_000 } });
    const run = randomBytes(3).toString('hex');
    results.push(await registrations('register, distinct client_name', auth, DURATION_SECONDS, (i) => `Agent ${run} ${i}`));
    results.push(await registrations('register, one shared client_name', auth, 4, () => `Shared agent ${run}`));
    const { rows } = await auth.db.query(`SELECT count(*)::int AS clients, count(DISTINCT version)::int AS versions FROM clients WHERE name = $1`, [
      `Shared agent ${run}`,
    ]);
    console.log(`shared name: ${rows[0].clients} clients, ${rows[0].versions} distinct versions`);

    // The limit counts per IP and clock hour: the rows of the runs above go, so the hour starts empty.
    await auth.db.query('DELETE FROM registration_rate_windows');
    await patchSettings(auth, { registrationPolicy: { registrationsPerIpPerHour: LIMIT } });
    const limited = await registrations(`per-IP limit ${LIMIT}/hour under load`, auth, 3, (i) => `Limited ${run} ${i}`);
    results.push(limited);
    // Answers still in flight when autocannon stops are not in its counts: the database says what was stored.
    const stored = (await auth.db.query(`SELECT count(*)::int AS count FROM clients WHERE name LIKE $1`, [`Limited ${run} %`])).rows[0].count;
    const refused = limited.statuses[429] ?? 0;
    const others = Object.entries(limited.statuses).filter(([status]) => status !== '201' && status !== '429');
    const check = {
      name: `at most ${LIMIT} registrations stored, every other answer 429`,
      stored,
      pass: stored <= LIMIT && refused > 0 && others.length === 0,
    };
    console.log(
      `${check.name}: ${check.pass ? 'PASS' : 'FAIL'} (stored ${stored}, 201: ${limited.statuses[201] ?? 0}, 429: ${refused}, Retry-After ${limited.retryAfter} s)`,
    );
    const file = writeResults('-registration', {
      date,
      durationSeconds: DURATION_SECONDS,
      connections: CONNECTIONS,
      sharedName: rows[0],
      results,
      checks: [check],
    });
    console.log(`results: ${file}`);
    if (!check.pass) throw new Error(`the per-IP limit did not hold: ${JSON.stringify(limited.statuses)}`);
  } finally {
    await auth.close();
  }
}

runBench(main);
