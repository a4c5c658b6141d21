// A filled database for the flat-cost bench (bench/fill.js) and the query plans (bench/explain.js):
// a population of clients and users, then grants and audit events written by SQL alone
// (generate_series), in statements of at most CHUNK rows, with a skewed distribution a real
// deployment has (a few clients and users own most of the rows) and ages over 80 days, so that
// most access tokens are expired and a few are live. Nothing here is older than the audit
// retention (90 days): the retention job, if it ran, would have nothing to remove.
import { hashClientSecret } from '../dist/apps/auth-server/src/clients/client-secret.js';

export const FILL_CLIENTS = Number(process.env.FILL_CLIENTS ?? 200);
export const FILL_USERS = Number(process.env.FILL_USERS ?? 10_000);
const CHUNK = 1_000_000;
/** The client and the user the list cases filter by: the heaviest of each (see the distribution below). */
export const HEAVY_CLIENT = 'fill-client-1';
export const HEAVY_USER = 'fill-user-1';
/** And the lightest: a page of theirs is spread over the whole table (about 0.2% of the grants; 0.005% of the user grants). */
export const LIGHT_CLIENT = 'fill-client-200';
export const LIGHT_USER = 'fill-user-10000';

/** "1m" → 1,000,000; "10m", "500k", "5000" likewise. */
export function parseCount(text) {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(text).trim());
  if (!match) throw new Error(`not a row count: ${text} (for example 1m, 10m, 500k)`);
  return Math.round(Number(match[1]) * { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()]);
}

/** fill-client-1..N (confidential, every grant type) and fill-user-1..N; idempotent. */
export async function seedPopulation(db, { clients = FILL_CLIENTS, users = FILL_USERS } = {}) {
  await db.query(`INSERT INTO scopes (name) VALUES ('bench.read') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO clients (client_id, name, version, type, secret_hash, grants, redirect_uris)
     SELECT 'fill-client-' || i, 'fill-client-' || i, '1', 'confidential', $2, '["client_credentials","authorization_code"]', '[]'
     FROM generate_series(1, $1::int) i ON CONFLICT DO NOTHING`,
    [clients, hashClientSecret('fill-not-a-secret-of-use')],
  );
  await db.query(
    `INSERT INTO users (username, password_hash) SELECT 'fill-user-' || i, 'not-a-login' FROM generate_series(1, $1::int) i ON CONFLICT DO NOTHING`,
    [users],
  );
}

/**
 * `count` grant rows (ids from `first` on, for unique refresh-token hashes across calls):
 *   client: 1 + floor(N·r³), so fill-client-1 holds about 17% of the rows (200 clients);
 *   user: 1 + floor(N·r²), so fill-user-1 holds about 1% of the user grants (10,000 users);
 *   45% client_credentials (no user, no refresh token), 50% authorization_code with a refresh
 *   token, 5% authorization_code without one; 2% revoked;
 *   created 5% within the last hour (live access tokens), the rest over 80 days (expired).
 */
export async function fillGrants(db, count, { first = 1, onChunk } = {}) {
  for (let start = first; start < first + count; start += CHUNK) {
    const end = Math.min(first + count - 1, start + CHUNK - 1);
    const began = Date.now();
    await db.query(
      `WITH c AS (SELECT array_agg(id ORDER BY substr(client_id, 13)::int) AS ids FROM clients WHERE client_id ~ '^fill-client-[0-9]+$'),
            u AS (SELECT array_agg(id ORDER BY substr(username, 11)::int) AS ids, array_agg(username ORDER BY substr(username, 11)::int) AS names
                  FROM users WHERE username ~ '^fill-user-[0-9]+$'),
            r AS (SELECT i, 1 + floor(cardinality(c.ids) * random() ^ 3)::int AS ci, 1 + floor(cardinality(u.ids) * random() ^ 2)::int AS ui,
                         random() AS kind, random() AS revoked,
                         now() - CASE WHEN random() < 0.05 THEN random() * interval '1 hour' ELSE random() * interval '80 days' END AS at
                  FROM generate_series($1::bigint, $2::bigint) i, c, u)
       INSERT INTO grants (client_ref, client_id, user_id, username, grant_type, scopes, issued_at, access_expires_at,
                           refresh_token_hash, refresh_remaining, refresh_unlimited, revoked_at, created_at, request_ip, request_id)
       SELECT c.ids[r.ci], 'fill-client-' || r.ci,
              CASE WHEN r.kind < 0.45 THEN NULL ELSE u.ids[r.ui] END,
              CASE WHEN r.kind < 0.45 THEN NULL ELSE u.names[r.ui] END,
              CASE WHEN r.kind < 0.45 THEN 'client_credentials' ELSE 'authorization_code' END,
              '["bench.read"]', r.at, r.at + interval '1 hour',
              CASE WHEN r.kind >= 0.45 AND r.kind < 0.95 THEN encode(sha256(('fill-' || r.i)::bytea), 'base64') END,
              CASE WHEN r.kind >= 0.45 AND r.kind < 0.95 THEN 10 END, false,
              CASE WHEN r.revoked < 0.02 THEN r.at + interval '5 minutes' END,
              r.at, '127.0.0.1', 'fill-' || r.i
       FROM r, c, u`,
      [start, end],
    );
    onChunk?.({ rows: end - first + 1, seconds: (Date.now() - began) / 1000 });
  }
}

const ACTIONS = ['login.succeeded', 'login.failed', 'token.refreshed', 'token.revoked', 'client.updated', 'user.updated', 'session.ended', 'scope.updated'];

/** `count` audit events, over the same 80 days, by users (skewed as above) and a few actions. */
export async function fillAudit(db, count, { onChunk } = {}) {
  for (let start = 1; start <= count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK - 1);
    const began = Date.now();
    await db.query(
      `WITH u AS (SELECT array_agg(username ORDER BY substr(username, 11)::int) AS names FROM users WHERE username ~ '^fill-user-[0-9]+$')
       INSERT INTO audit_events (occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id)
       SELECT now() - random() * interval '80 days', u.names[1 + floor(cardinality(u.names) * random() ^ 2)::int], 'user',
              ($3::text[])[1 + floor(random() * cardinality($3::text[]))::int], 'user', gen_random_uuid()::text, '{}', '127.0.0.1', 'fill-' || i
       FROM generate_series($1::bigint, $2::bigint) i, u`,
      [start, end, ACTIONS],
    );
    onChunk?.({ rows: end, seconds: (Date.now() - began) / 1000 });
  }
}

/**
 * Runs `work` (a bulk load of `table`) with the table's secondary indexes dropped, then builds
 * them again from their own definitions (pg_indexes), as a bulk load is done: maintaining eight
 * B-trees row by row made a fill of 10 million grants take most of an hour of both cores here,
 * and one sorted build per index takes a fraction of that. The indexes that back a constraint
 * (the primary key) stay. The end state is the schema the migrations made, index for index.
 */
export async function withSecondaryIndexesRebuilt(db, table, work) {
  const { rows: indexes } = await db.query(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = $1::regclass AND k.conname = i.indexname)`,
    [table],
  );
  for (const { name } of indexes) await db.query(`DROP INDEX ${name}`);
  try {
    await work();
  } finally {
    await db.query(`SET maintenance_work_mem = '512MB'`);
    for (const { definition } of indexes) await db.query(definition);
    await db.query('RESET maintenance_work_mem');
  }
  return indexes.map(({ name }) => name);
}

/**
 * What autovacuum would do soon after such a load (statistics and the visibility map), then a
 * CHECKPOINT: the load leaves gigabytes of dirty pages, which the checkpointer would otherwise
 * write out during the filled phase's first cases (session 21: load average 2-2.8 there against
 * 0.7-1.4 empty, and the token cases 14-16% slower, their app CPU per request 6-12% higher).
 */
export async function settle(db) {
  for (const table of ['grants', 'audit_events', 'used_refresh_tokens', 'authorization_codes']) await db.query(`VACUUM ANALYZE ${table}`);
  await db.query('CHECKPOINT');
}

/** Row counts and on-disk size (heap + indexes + toast) of the filled tables. */
export async function tableSizes(db) {
  const { rows } = await db.query(
    `SELECT relname AS table, reltuples::bigint AS rows, pg_size_pretty(pg_total_relation_size(oid)) AS size, pg_total_relation_size(oid) AS bytes
     FROM pg_class WHERE relname IN ('grants', 'audit_events') ORDER BY relname`,
  );
  return rows;
}
