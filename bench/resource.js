// Resource-server benchmark (issue "Resource server and the sync library", performance).
// The real auth server runs here on a real PostgreSQL with real Redis (a unique stream); the
// server under test (the real resource server, or a bare node:http baseline) runs in a child
// process each, so the load generator (autocannon, here) and the server do not share a thread
// and the child's RSS is the server's own. Bounded: BENCH_DURATION s per case, 200 changes.
//   1. GET /api/me with a valid JWT, 50 connections, vs bare fixed JSON and bare jose verify; and
//      with a DPoP-bound token and a fresh proof per request (issue 17: >= 40% of the bearer rps),
//      in BENCH_ROUNDS (default 3) paired rounds, DPoP right after the bearer GET: the median ratio.
//      Each round also runs the floor issue 17 names, a bare server that checks one proof's signature
//      per request and does nothing else, under the same fresh proofs: the ceiling this machine puts
//      on the DPoP GET (floor / bearer GET), and how close the resource server comes to it.
//   2. Propagation lag: admin API response (deactivate a client / revoke a token) -> the RS
//      answers 401 to that token; 200 changes, p50 and p99.
//   3. RS memory: a fresh RS loads 10,000 clients and 100,000 revoked grant ids through the
//      snapshot; RSS sampled under the /api/me load.
// Usage: npm run build && node bench/resource.js   (REDIS_URL, BENCH_PG_URL, BENCH_DURATION;
// BENCH_CASES=json,verify,me,dpop,propagation,memory runs some of them and writes no results file)
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { childServer, CONNECTIONS, DURATION_SECONDS, freshDatabase, measure, pairedRatio, roundLabel } from './lib.js';
import { boundTokenFor, dpopKey, withFreshProofs } from './dpop-proofs.js';
import { AUDIENCE, insertClients, propagation, RS_FLAGS, startBenchAuthServer, statusOf, tokenFor, until } from './auth-fixture.js';

const MEMORY = { clients: 10_000, revoked: 100_000 };
/** Paired rounds of the bearer and DPoP GETs (lib.js, median): this machine's speed drifts between minutes. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ME = 'rs GET /api/me (child)';
const DPOP = 'rs GET /api/me DPoP (child)';
const DPOP_FLOOR = 'bare node:http one DPoP proof check (child)';
/** The issue's target: a DPoP-bound GET at this share of the bearer GET's rps, at least. */
const DPOP_TARGET_RATIO = 0.4;
/** Proofs made ahead per second of the DPoP run: above what the resource server can answer. */
const PROOFS_PER_SECOND = 30_000;
const me = (rs, token) => statusOf(`${rs.url}/api/me`, token);
/** BENCH_CASES=me,dpop (for example): only those, for profiling one path; a full run otherwise. */
const CASES = process.env.BENCH_CASES?.split(',');
const only = (name) => !CASES || CASES.includes(name);

/** RSS samples every 250 ms while `work` runs; returns work's result and the peak. */
async function withRssSampling(child, work) {
  let peak = 0;
  const timer = setInterval(
    () =>
      child.rss().then(
        (sample) => (peak = Math.max(peak, sample.rss)),
        () => undefined,
      ),
    250,
  );
  try {
    const result = await work();
    peak = Math.max(peak, (await child.rss()).rss);
    return { result, peakRssMb: +(peak / 2 ** 20).toFixed(1) };
  } finally {
    clearInterval(timer);
  }
}

async function bulkRevocations(db, secret) {
  const clients = await insertClients(db, `mem-${randomBytes(3).toString('hex')}-`, MEMORY.clients, secret);
  await db.query(
    `INSERT INTO grants (id, client_ref, client_id, grant_type, scopes, issued_at, access_expires_at, revoked_at)
     SELECT gen_random_uuid(), c.id, c.client_id, 'client_credentials', '["bench.read"]', now(), now() + interval '1 hour', now()
     FROM (SELECT id, client_id FROM clients WHERE client_id LIKE 'mem-%') c, generate_series(1, $1) AS i`,
    [MEMORY.revoked / MEMORY.clients],
  );
  return clients.length;
}

async function main() {
  const auth = await startBenchAuthServer();
  const { issuer, db, secret } = auth;
  const rsDbs = [await freshDatabase('portcullis_bench_rs', ''), await freshDatabase('portcullis_bench_rs', '')];
  const children = [];
  const results = [];
  const out = {};
  try {
    const [benchClient] = await insertClients(db, `bench-${randomBytes(3).toString('hex')}-`, 1, secret);
    const token = await tokenFor(`${issuer}`, benchClient, secret);
    const bearer = { headers: { authorization: `Bearer ${token}` } };

    if (only('json')) {
      const json = await childServer('json');
      children.push(json);
      results.push(await measure('bare node:http fixed JSON (child)', { url: json.url }));
      await json.stop();
    }
    if (only('verify')) {
      const verify = await childServer('verify', { AUTH_ISSUER: issuer, RESOURCE_AUDIENCE: AUDIENCE });
      children.push(verify);
      results.push(await measure('bare node:http jose verify (child)', { url: verify.url, ...bearer }));
      await verify.stop();
    }

    if (only('me') || only('dpop') || only('propagation')) {
      const rs = await childServer('rs', auth.rsEnv(rsDbs[0].url), RS_FLAGS);
      children.push(rs);
      await until('the RS to accept the bench token', async () => (await me(rs, token)) === 200);
      out.smallRs = { rssBeforeLoadMb: +((await rs.rss()).rss / 2 ** 20).toFixed(1) };
      const key = only('dpop') ? dpopKey() : undefined;
      const boundToken = key ? await boundTokenFor(issuer, benchClient, secret, key) : undefined;
      const rounds = only('me') && only('dpop') ? ROUNDS : 1;
      const floor = key ? await childServer('dpop-floor') : undefined;
      if (floor) children.push(floor);
      for (let round = 1; round <= rounds; round++) {
        const label = roundLabel(round, rounds);
        if (only('me')) {
          const load = await withRssSampling(rs, () => measure(ME + label, { url: `${rs.url}/api/me`, ...bearer }));
          results.push({ ...load.result, name: ME, round, peakRssMb: load.peakRssMb });
          out.smallRs.peakRssUnderLoadMb = Math.max(out.smallRs.peakRssUnderLoadMb ?? 0, load.peakRssMb);
        }
        if (only('dpop')) {
          const proofs = withFreshProofs({ url: `${rs.url}/api/me` }, key, `${rs.url}/api/me`, boundToken, DURATION_SECONDS * PROOFS_PER_SECOND);
          results.push({ ...(await measure(DPOP + label, proofs)), name: DPOP, round });
          const floorProofs = withFreshProofs({ url: `${floor.url}/api/me` }, key, `${rs.url}/api/me`, boundToken, DURATION_SECONDS * PROOFS_PER_SECOND);
          results.push({ ...(await measure(DPOP_FLOOR + label, floorProofs)), name: DPOP_FLOOR, round });
        }
      }
      await floor?.stop();
      if (only('propagation')) {
        out.propagation = await propagation(auth, (probed) => me(rs, probed));
        console.log(
          `propagation over ${out.propagation.changes} changes: p50 ${out.propagation.p50Ms} ms  p99 ${out.propagation.p99Ms} ms  max ${out.propagation.maxMs} ms`,
        );
      }
      // A normal exit, so that --cpu-prof in BENCH_RS_NODE_FLAGS writes its profile.
      await rs.exit();
    }
    if (only('memory')) await measureMemory(auth, rsDbs[1], token, results, out, children);
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
    await auth.close();
    await Promise.allSettled(rsDbs.map((database) => database.drop()));
  }
  // The bare servers run once (round 1): their ratios pair them with the first round.
  const ratio = (name, over) =>
    pairedRatio(
      results,
      (row) => row.name === name,
      (row) => row.name === over,
    );
  const paired = {
    rsVsBareVerify: ratio(ME, 'bare node:http jose verify (child)'),
    rsVsBareJson: ratio(ME, 'bare node:http fixed JSON (child)'),
    dpopVsBearer: ratio(DPOP, ME),
    dpopVsBareVerify: ratio(DPOP, 'bare node:http jose verify (child)'),
    dpopVsFloor: ratio(DPOP, DPOP_FLOOR),
    floorVsBearer: ratio(DPOP_FLOOR, ME),
  };
  out.ratios = Object.fromEntries(Object.entries(paired).map(([name, value]) => [name, value.median]));
  if (paired.dpopVsBearer.rounds?.length > 1) out.ratioRounds = { dpopVsBearer: paired.dpopVsBearer.rounds, dpopVsFloor: paired.dpopVsFloor.rounds, floorVsBearer: paired.floorVsBearer.rounds };
  if (out.ratios.dpopVsBearer !== undefined) {
    out.dpopCheck = { target: DPOP_TARGET_RATIO, pass: out.ratios.dpopVsBearer >= DPOP_TARGET_RATIO };
    const rounds = out.ratioRounds ? ` (median of rounds ${out.ratioRounds.dpopVsBearer.map((value) => `${Math.round(value * 100)}%`).join(', ')})` : '';
    console.log(
      `DPoP-bound GET: ${Math.round(out.ratios.dpopVsBearer * 100)}% of the bearer GET's rps${rounds} (target >= ${DPOP_TARGET_RATIO * 100}%): ${out.dpopCheck.pass ? 'PASS' : 'FAIL'}`,
    );
    if (out.ratios.floorVsBearer !== undefined) {
      out.dpopCheck.floorVsBearer = out.ratios.floorVsBearer;
      console.log(
        `The floor, one proof check and nothing else under the same proofs: ${Math.round(out.ratios.floorVsBearer * 100)}% of the bearer GET's rps; the DPoP-bound GET reaches ${Math.round(out.ratios.dpopVsFloor * 100)}% of it`,
      );
    }
  }
  console.table(out.ratios);
  if (CASES) return;
  const date = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${date}-resource.json`, import.meta.url);
  writeFileSync(
    file,
    JSON.stringify(
      {
        date,
        kind: 'resource',
        node: process.version,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        rsNodeFlags: RS_FLAGS,
        rounds: ROUNDS,
        results,
        ...out,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`written ${file.pathname}`);
}

/** A fresh resource server loads 10,000 clients and 100,000 revoked grant ids through the snapshot; its RSS under /api/me load. */
async function measureMemory(auth, rsDb, token, results, out, children) {
  const bearer = { headers: { authorization: `Bearer ${token}` } };
  const loaded = await bulkRevocations(auth.db, auth.secret);
  const big = await childServer('rs', auth.rsEnv(rsDb.url), RS_FLAGS);
  children.push(big);
  await until('the big RS to load its snapshot', async () => (await me(big, token)) === 200, 120_000);
  const idle = await big.rss();
  const bigLoad = await withRssSampling(big, () => measure('rs GET /api/me, 10k clients (child)', { url: `${big.url}/api/me`, ...bearer }));
  results.push({ ...bigLoad.result, peakRssMb: bigLoad.peakRssMb });
  out.memory = {
    clients: loaded,
    revokedGrantIds: MEMORY.revoked,
    rssAfterSnapshotMb: +(idle.rss / 2 ** 20).toFixed(1),
    heapUsedAfterSnapshotMb: +(idle.heapUsed / 2 ** 20).toFixed(1),
    peakRssUnderLoadMb: bigLoad.peakRssMb,
  };
  console.log(
    `RS memory with ${loaded} clients + ${MEMORY.revoked} revoked ids: ${JSON.stringify(out.memory)}; small RS: ${JSON.stringify(out.smallRs ?? {})}`,
  );
  await big.stop();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
