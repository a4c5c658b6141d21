// The query plans of docs/query-plans.md (issue 19 item 2): EXPLAIN (ANALYZE, BUFFERS) of every
// admin list query and of the token endpoint's hot-path queries, on a database filled as the
// flat-cost bench fills it (bench/fill-data.js), written as Markdown. The SQL is the text the
// repositories send (named beside each query); statements that write run inside a transaction that
// is rolled back. Each query runs once before it is explained, so the figures are a warm cache's.
// Usage: npm run bench:explain -- --rows 1m [--audit 1m] [--out docs/query-plans.md]
//   DATABASE_URL=... to explain an already filled database (bench:fill with FILL_KEEP=1) instead.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  fillAudit,
  fillGrants,
  HEAVY_CLIENT,
  HEAVY_USER,
  LIGHT_CLIENT,
  LIGHT_USER,
  parseCount,
  seedPopulation,
  settle,
  tableSizes,
  withSecondaryIndexesRebuilt,
} from './fill-data.js';
import { childServer, freshDatabase, runBench } from './lib.js';
import { SPEND_REFRESH_SQL, WITH_STATE } from '../dist/apps/auth-server/src/tokens/grants.repository.js';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1m' }, audit: { type: 'string', default: '1m' }, out: { type: 'string', default: 'docs/query-plans.md' } },
});

const GRANT_SELECT = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_text FROM grants`;
const AUDIT_COLUMNS = 'id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id';
const AUDIT_SELECT = `SELECT id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
  actor, actor_type, action, target_type, target_id, details, ip, request_id`;
/** AuditEventsRepository.list: both sources of the trail, each cut at the limit, merged. */
function auditQuery(conditions) {
  const where = (list) => (list.length ? `WHERE ${list.join(' AND ')}` : '');
  const side = (source) => `(SELECT ${AUDIT_COLUMNS} FROM ${source} ${where(conditions)} ORDER BY occurred_at DESC, id DESC LIMIT $1)`;
  return `${AUDIT_SELECT}
       FROM (${side('audit_events')} UNION ALL ${side('token_issued_events')}) AS trail ORDER BY occurred_at DESC, id DESC LIMIT $1`;
}

/** Every query explained: [title, source, sql, params (a function of the samples), writes]. */
function queries(samples) {
  const { clientCursor, userCursor, allCursor, auditCursor, grantId, refreshHash, clientRef } = samples;
  return [
    [
      'Admin: tokens of a client, first page',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND client_ref = (SELECT id FROM clients WHERE client_id = $1) ORDER BY created_at, id LIMIT $2`,
      [HEAVY_CLIENT, 51],
    ],
    [
      'Admin: tokens of a client, next page (keyset cursor)',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND client_ref = (SELECT id FROM clients WHERE client_id = $1) AND (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT $4`,
      [HEAVY_CLIENT, clientCursor.createdAt, clientCursor.id, 51],
    ],
    [
      'Admin: tokens of a user, first page',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE lower(username) = lower($1)) ORDER BY created_at, id LIMIT $2`,
      [HEAVY_USER, 51],
    ],
    [
      'Admin: tokens of a user, next page',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE lower(username) = lower($1)) AND (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT $4`,
      [HEAVY_USER, userCursor.createdAt, userCursor.id, 51],
    ],
    [
      `Admin: tokens of a small client (${LIGHT_CLIENT}, about 0.2% of the grants)`,
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND client_ref = (SELECT id FROM clients WHERE client_id = $1) ORDER BY created_at, id LIMIT $2`,
      [LIGHT_CLIENT, 51],
    ],
    [
      `Admin: tokens of a light user (${LIGHT_USER})`,
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE lower(username) = lower($1)) ORDER BY created_at, id LIMIT $2`,
      [LIGHT_USER, 51],
    ],
    [
      'Admin: all tokens, first page',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL ORDER BY created_at, id LIMIT $1`,
      [51],
    ],
    [
      'Admin: all tokens, next page',
      'tokens-admin.repository.ts list',
      `${GRANT_SELECT}\n       WHERE revoked_at IS NULL AND (created_at, id) > ($1::timestamptz, $2::uuid) ORDER BY created_at, id LIMIT $3`,
      [allCursor.createdAt, allCursor.id, 51],
    ],
    ['Admin: audit trail, first page', 'audit-events.repository.ts list', auditQuery([]), [51]],
    [
      'Admin: audit trail, next page',
      'audit-events.repository.ts list',
      auditQuery(['(occurred_at, id) < ($2::timestamptz, $3::bigint)']),
      [51, auditCursor.occurredAt, auditCursor.id],
    ],
    ['Admin: audit trail of one actor (a user)', 'audit-events.repository.ts list', auditQuery(['actor = $2']), [51, HEAVY_USER]],
    ['Admin: audit trail of one actor (a client: its token.issued events)', 'audit-events.repository.ts list', auditQuery(['actor = $2']), [51, HEAVY_CLIENT]],
    [
      'Admin: audit trail, one day (since and until)',
      'audit-events.repository.ts list',
      auditQuery(["occurred_at >= now() - interval '2 days'", "occurred_at < now() - interval '1 day'"]),
      [51],
    ],
    [
      'Hot path: the grant behind an access token (introspection, userinfo, revocation)',
      'grants.repository.ts findWithState',
      `${WITH_STATE} WHERE g.id = $1`,
      [grantId],
    ],
    ['Hot path: the grant of a refresh token', 'grants.repository.ts findByRefreshHash', `${WITH_STATE} WHERE g.refresh_token_hash = $1`, [refreshHash]],
    [
      'Hot path: a refresh spent and rotated (rolled back)',
      'grants.repository.ts spendRefresh',
      SPEND_REFRESH_SQL,
      [refreshHash, clientRef, randomBytes(32).toString('base64url'), new Date(Date.now() + 3600_000)],
      true,
    ],
    [
      'Hot path: a client_credentials grant written (one row of a batch, rolled back)',
      'grant-insert-batcher.ts statementFor(1)',
      `INSERT INTO grants (client_ref, client_id, grant_type, scopes, access_expires_at)
      SELECT v.* FROM (VALUES ($1::uuid, $2::text, 'client_credentials', '["bench.read"]'::jsonb, now() + interval '1 hour')) AS v (client_ref, client_id, grant_type, scopes, access_expires_at)
      JOIN clients c ON c.id = v.client_ref
      WHERE c.active FOR SHARE OF c RETURNING id`,
      [clientRef, HEAVY_CLIENT],
      true,
    ],
  ];
}

/** Cursors taken where the lists' first pages end, a grant and a refresh hash to look up. */
async function sampleKeys(db) {
  const cursorOf = async (where, params) => {
    const { rows } = await db.query(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt", id FROM grants WHERE revoked_at IS NULL ${where} ORDER BY created_at, id OFFSET 50 LIMIT 1`,
      params,
    );
    return rows[0];
  };
  const { rows: audit } = await db.query(
    `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt", id::text AS id FROM audit_events ORDER BY occurred_at DESC, id DESC OFFSET 50 LIMIT 1`,
  );
  const { rows: grant } = await db.query(
    `SELECT id, refresh_token_hash, client_ref FROM grants WHERE refresh_token_hash IS NOT NULL AND revoked_at IS NULL LIMIT 1`,
  );
  return {
    clientCursor: await cursorOf('AND client_id = $1', [HEAVY_CLIENT]),
    userCursor: await cursorOf('AND lower(username) = lower($1)', [HEAVY_USER]),
    allCursor: await cursorOf('', []),
    auditCursor: audit[0],
    grantId: grant[0].id,
    refreshHash: grant[0].refresh_token_hash,
    clientRef: grant[0].client_ref,
  };
}

async function explain(db, sql, params, writes) {
  const text = `EXPLAIN (ANALYZE, BUFFERS) ${sql}`;
  if (!writes) {
    await db.query(sql, params); // warm the cache: the plan of a steady server
    return (await db.query(text, params)).rows.map((row) => row['QUERY PLAN']).join('\n');
  }
  await db.query('BEGIN');
  try {
    await db.query(sql, params);
    await db.query('ROLLBACK');
    await db.query('BEGIN');
    return (await db.query(text, params)).rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await db.query('ROLLBACK');
  }
}

/** A database migrated by the real auth server (its boot runs every migration), then filled. */
async function filledDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, drop: async () => {}, filledHere: false };
  const database = await freshDatabase('portcullis_explain');
  const app = await childServer('auth', {
    BENCH_AUTH_DATABASE_URL: database.url,
    BENCH_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    BENCH_AUTH_ENV: JSON.stringify({ RETENTION_INTERVAL_SECONDS: '0' }),
  });
  await app.exit('close');
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    await seedPopulation(db);
    await withSecondaryIndexesRebuilt(db, 'grants', () =>
      fillGrants(db, parseCount(args.rows), { onChunk: ({ rows, seconds }) => console.log(`grants: ${rows} (${seconds.toFixed(0)} s)`) }),
    );
    await withSecondaryIndexesRebuilt(db, 'audit_events', () =>
      fillAudit(db, parseCount(args.audit), { onChunk: ({ rows, seconds }) => console.log(`audit events: ${rows} (${seconds.toFixed(0)} s)`) }),
    );
    await settle(db);
  } finally {
    await db.end();
  }
  return { ...database, filledHere: true };
}

async function main() {
  const database = await filledDatabase();
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const sizes = await tableSizes(db);
    const { rows: version } = await db.query('SHOW server_version');
    const samples = await sampleKeys(db);
    const sections = [];
    for (const [title, source, sql, params, writes] of queries(samples)) {
      const plan = await explain(db, sql, params, writes);
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
      console.log(`${title}: ${time} ms`);
      sections.push({ title, source, sql, params, plan, time });
    }
    const lines = [
      '# Query plans',
      '',
      `Produced by \`npm run bench:explain -- --rows ${args.rows} --audit ${args.audit}\` (bench/explain.js; do not edit by hand, re-run it).`,
      `PostgreSQL ${version[0].server_version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} when it ran (${new Date().toISOString()}).`,
      `Tables: ${sizes.map((row) => `\`${row.table}\` ${Number(row.rows).toLocaleString('en')} rows, ${row.size}`).join('; ')} (bench/fill-data.js: ${HEAVY_CLIENT} holds about 17% of the grants, ${HEAVY_USER} about 1% of the user grants).`,
      'Each query ran once before it was explained (a warm cache, as on a running server); writes ran in a transaction rolled back.',
      'How to read them and what each index is for: docs/performance.md, "Flat cost".',
      '',
      '| query | execution time (ms) |',
      '|---|---|',
      ...sections.map((section) => `| ${section.title} | ${section.time} |`),
      '',
    ];
    for (const section of sections) {
      lines.push(
        `## ${section.title}`,
        '',
        `\`${section.source}\`, parameters \`${JSON.stringify(section.params)}\``,
        '',
        '```sql',
        section.sql.replace(/^ {7}/gm, ''),
        '```',
        '',
        '```',
        section.plan,
        '```',
        '',
      );
    }
    writeFileSync(args.out, lines.join('\n'));
    console.log(`written ${args.out}`);
  } finally {
    await db.end();
    if (database.filledHere && !process.env.FILL_KEEP) await database.drop();
    else if (database.filledHere) console.log(`kept ${database.url}`);
  }
}

runBench(main);
