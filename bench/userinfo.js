// Userinfo benchmark (issue 15): GET /oauth/userinfo against today's introspection, on the real
// auth server and a real PostgreSQL, paired rounds as in bench/run.js (introspection, then
// userinfo, back to back, so both share the machine's conditions). Target: userinfo at least 60%
// of introspection's rps, p99 under 15 ms.
//   introspection: one client_credentials token introspected over and over (as bench/run.js).
//   userinfo: one user's token (openid profile email phone address, from the password grant)
//   answered over and over: token check, grant state, the user's profile, per request.
// Everything is set up through the admin API and the token endpoint, as a deployment would.
// Usage: npm run build && node bench/userinfo.js   (BENCH_ROUNDS, default 3; BENCH_DURATION;
// BENCH_PG_URL or DATABASE_URL as in bench/run.js)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { childServer, CONNECTIONS, DURATION_SECONDS, freshDatabase, measure, median } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 2);
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 15;
const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'address'];
const PROFILE = {
  name: 'Bench User',
  given_name: 'Bench',
  family_name: 'User',
  locale: 'en-US',
  zoneinfo: 'Europe/Paris',
  email: 'bench@example.com',
  email_verified: true,
  phone_number: '+14155550100',
  address: { locality: 'Paris', country: 'FR' },
};

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The admin API of the app child, as the initial admin. */
function adminApi(app, password) {
  return async (method, path, json) => {
    const response = await fetch(`${app.url}/admin/v1${path}`, {
      method,
      headers: { authorization: basic('admin', password), ...(json ? { 'content-type': 'application/json' } : {}) },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (response.status >= 400 && response.status !== 409) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
}

async function token(app, client, form) {
  const response = await fetch(`${app.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.clientId, client.clientSecret) },
    body: new URLSearchParams(form).toString(),
  });
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

async function setUp(app, adminPassword) {
  const admin = adminApi(app, adminPassword);
  for (const name of OIDC_SCOPES) await admin('POST', '/scopes', { name, description: '' });
  const client = await admin('POST', '/clients', { name: 'Userinfo Bench', version: '1', type: 'confidential', grants: ['password', 'client_credentials'] });
  for (const name of OIDC_SCOPES) await admin('PUT', `/clients/${client.clientId}/scopes/${name}`);
  const user = { username: `bench-${randomBytes(3).toString('hex')}`, password: randomBytes(12).toString('base64url') };
  await admin('POST', '/users', { ...user, profile: PROFILE });
  return {
    client,
    userToken: await token(app, client, { grant_type: 'password', ...user, scope: OIDC_SCOPES.join(' ') }),
    clientToken: await token(app, client, { grant_type: 'client_credentials', scope: 'openid' }),
  };
}

async function warmThenMeasure(name, options) {
  if (WARMUP_SECONDS > 0) await measure(`${name} (warm-up)`, options, WARMUP_SECONDS);
  return measure(name, options);
}

async function main() {
  const database = await freshDatabase();
  const adminPassword = randomBytes(12).toString('base64url');
  const app = await childServer('auth', { BENCH_AUTH_DATABASE_URL: database.url, BENCH_ADMIN_PASSWORD: adminPassword });
  const results = [];
  try {
    const { client, userToken, clientToken } = await setUp(app, adminPassword);
    const introspection = {
      url: `${app.url}/oauth/introspect`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.clientId, client.clientSecret) },
      body: `token=${clientToken}`,
    };
    const userinfo = { url: `${app.url}/oauth/userinfo`, headers: { authorization: `Bearer ${userToken}` } };
    const check = await fetch(userinfo.url, { headers: userinfo.headers });
    if (check.status !== 200) throw new Error(`userinfo: ${check.status} ${await check.text()}`);
    for (let round = 1; round <= ROUNDS; round++) {
      results.push({ ...(await warmThenMeasure('app introspection', introspection)), round });
      results.push({ ...(await warmThenMeasure('app userinfo', userinfo)), round });
    }
  } finally {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await app.exit('close');
    await database.drop();
  }
  const rounds = [...new Set(results.map((row) => row.round))].map((round) => {
    const [introspection, userinfo] = ['app introspection', 'app userinfo'].map((name) => results.find((row) => row.round === round && row.name === name));
    return { round, ratio: +(userinfo.rps / introspection.rps).toFixed(3), userinfoP99: userinfo.p99 };
  });
  const summary = {
    ratioMedian: median(rounds.map((r) => r.ratio)),
    userinfoP99Median: median(rounds.map((r) => r.userinfoP99)),
    target: `userinfo >= ${TARGET_RATIO * 100}% of introspection rps, p99 < ${TARGET_P99_MS} ms`,
  };
  summary.met = summary.ratioMedian >= TARGET_RATIO && summary.userinfoP99Median < TARGET_P99_MS;
  console.table(rounds);
  console.log(summary);
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}-userinfo.json`, import.meta.url);
  writeFileSync(
    file,
    JSON.stringify(
      {
        date,
        node: process.version,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        rounds: ROUNDS,
        results,
        summary,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`written ${file.pathname}`);
  if (!summary.met) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
