import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#testing';
import { dataSourceOptions, runMigrationsExclusively } from '#database';
import { authServerMigrations } from '../../src/database/migrations/index.js';
import { Retention1765500000000 } from '../../src/database/migrations/1765500000000-retention.js';
import { FlatCostIndexes1766300000000 } from '../../src/database/migrations/1766300000000-flat-cost-indexes.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { clientCredentials, createClient, sql, type TestClient } from '../support/token-fixtures.js';

/**
 * Issue 19: the migrations that index the grants table run online. A table of ONLINE_MIGRATION_GRANTS
 * grants (5 million documented in docs/retention.md, "Online migration"; a smaller default keeps
 * `npm run test:full` in its budget) is written by SQL at the schema before migration
 * 1765500000000, an auth server runs on that schema (standing for the release before: the later
 * migrations are recorded as applied, so its boot leaves them), and while it answers a bounded loop
 * of client_credentials requests the pending migrations run, as the next release's first instance
 * runs them at boot. Every request must succeed, some must have been answered while the index
 * builds ran, and every index must exist and be valid afterwards. Real PostgreSQL only (PGlite builds
 * its indexes plainly, one backend for every connection).
 */
const GRANTS = Number(process.env.ONLINE_MIGRATION_GRANTS ?? 500_000);
const CONCURRENCY = 4;
const LOCK_TIMEOUT = '100ms';
/** The loop's bound: it stops when the migrations are done, or here. */
const MAX_REQUESTS = 200_000;
/** The migrations that build indexes on grants; the release before has every other one (today's code needs their tables). */
const ONLINE_MIGRATIONS: unknown[] = [Retention1765500000000, FlatCostIndexes1766300000000];
const BEFORE = authServerMigrations.filter((migration) => !ONLINE_MIGRATIONS.includes(migration));
const ONLINE_NAMES = ONLINE_MIGRATIONS.map((migration) => new (migration as new () => { name: string })().name);
const ONLINE_INDEXES = [
  'grants_retention_idx',
  'used_refresh_tokens_grant_idx',
  'authorization_codes_expires_idx',
  'auth_failures_window_idx',
  'grants_client_page_idx',
  'grants_user_page_idx',
];

const real = Boolean(process.env.TEST_DATABASE_URL);
/** Writing the rows: about a minute a million on a quiet 2-core machine, several times that on a loaded one. */
const FILL_TIMEOUT_MS = Math.max(10 * 60_000, (GRANTS / 1_000_000) * 15 * 60_000);

jest.setTimeout(30 * 60_000);

(real ? describe : describe.skip)('online migration of a large grants table (real PostgreSQL)', () => {
  let database: TestDatabase;
  let server: RunningAuthServer;
  let client: TestClient;

  const dataSourceWith = (migrations: unknown[]) => new DataSource(dataSourceOptions({ url: database.url, entities: [], migrations: migrations as never }));

  beforeAll(async () => {
    database = await createTestDatabase();
    const before = dataSourceWith(BEFORE);
    await before.initialize();
    try {
      await runMigrationsExclusively(before);
      const started = Date.now();
      // A connection of its own: the pool's statement and query timeouts (15 s, 20 s) are for requests, not for a fill.
      const filler = new pg.Client({ connectionString: database.url });
      await filler.connect();
      try {
        await fillGrants(filler, GRANTS);
        await filler.query('VACUUM ANALYZE grants');
      } finally {
        await filler.end();
      }
      console.log(`online migration: ${GRANTS} grants written in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      // The release before knew none of the pending migrations: its boot must not run them.
      for (const name of ONLINE_NAMES) {
        await before.query(`INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)`, [Number(/\d{13}$/.exec(name)![0]), name]);
      }
    } finally {
      await before.destroy();
    }
    // A token request that waits on a lock longer than LOCK_TIMEOUT fails (an error, not a slow
    // 200): only DDL that blocks the table's writers (a plain CREATE INDEX: ShareLock) takes one
    // that long; CONCURRENTLY builds take none that an INSERT waits for.
    const url = new URL(database.url);
    url.searchParams.set('options', `-c lock_timeout=${LOCK_TIMEOUT}`);
    server = await startTestAuthServer({ databaseUrl: url.toString() }, { RETENTION_INTERVAL_SECONDS: '0' }, { database });
    client = await createClient(server, { grants: ['client_credentials'] });
  }, FILL_TIMEOUT_MS);

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('keeps issuing tokens, every one of them, while the pending migrations build their indexes', async () => {
    const indexesBefore = await validIndexes();
    expect(indexesBefore).toEqual([]);
    await sql(server, `DELETE FROM schema_migrations WHERE name = ANY($1)`, [ONLINE_NAMES]);

    let migrating = true;
    const statuses = new Map<number, number>();
    let duringMigration = 0;
    let sent = 0;
    const loop = async () => {
      while (migrating && sent < MAX_REQUESTS) {
        sent++;
        const response = await clientCredentials(server, client).catch(() => null);
        const status = response?.status ?? 0;
        if (response) await response.arrayBuffer();
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (migrating) duringMigration++;
      }
    };
    const loops = Array.from({ length: CONCURRENCY }, loop);

    const next = dataSourceWith(authServerMigrations);
    await next.initialize();
    const started = Date.now();
    let applied: string[];
    try {
      applied = await runMigrationsExclusively(next);
    } finally {
      migrating = false;
      await next.destroy();
    }
    const seconds = (Date.now() - started) / 1000;
    await Promise.all(loops);
    console.log(
      `online migration: ${applied.join(', ')} in ${seconds.toFixed(1)} s over ${GRANTS} grants; ${duringMigration} tokens issued meanwhile (${(duringMigration / seconds).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );

    expect(applied).toEqual(ONLINE_NAMES);
    expect(Object.fromEntries(statuses)).toEqual({ 200: sent });
    expect(duringMigration).toBeGreaterThan(CONCURRENCY * 10);
    expect(await validIndexes()).toEqual([...ONLINE_INDEXES].sort());
    const [{ count }] = await sql<{ count: number }>(server, `SELECT count(*)::int AS count FROM grants WHERE client_ref = $1`, [client.id]);
    expect(count).toBe(sent);
  });

  /** The online indexes that exist and are valid (an interrupted CONCURRENTLY build leaves one INVALID). */
  async function validIndexes(): Promise<string[]> {
    const rows = await sql<{ name: string }>(
      server,
      `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY($1) AND i.indisvalid AND i.indisready ORDER BY c.relname`,
      [ONLINE_INDEXES],
    );
    return rows.map((row) => row.name);
  }
});

/**
 * `count` grants by SQL, in statements of a million rows: 200 clients and 10,000 users, 45%
 * client_credentials, the rest authorization_code grants with a refresh token, ages over 80 days
 * (as bench/fill-data.js fills the flat-cost bench's database).
 */
async function fillGrants(dataSource: pg.Client, count: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO clients (client_id, name, version, type, grants, redirect_uris)
     SELECT 'fill-client-' || i, 'fill-client-' || i, '1', 'public', '["authorization_code"]', '["https://app.example/cb"]' FROM generate_series(1, 200) i`,
  );
  await dataSource.query(`INSERT INTO users (username, password_hash) SELECT 'fill-user-' || i, 'not-a-login' FROM generate_series(1, 10000) i`);
  // The secondary indexes are built once after the rows rather than kept up row by row (several
  // times faster on millions of random keys); the schema ends the same.
  const indexes = await dataSource.query(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.tablename = 'grants' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const index of indexes.rows) await dataSource.query(`DROP INDEX ${index.name}`);
  for (let start = 1; start <= count; start += 1_000_000) {
    await dataSource.query(
      `WITH c AS (SELECT array_agg(id) AS ids FROM clients WHERE client_id LIKE 'fill-client-%'),
            u AS (SELECT array_agg(id) AS ids, array_agg(username) AS names FROM users WHERE username LIKE 'fill-user-%'),
            r AS (SELECT i, 1 + floor(cardinality(c.ids) * random() ^ 3)::int AS ci, 1 + floor(cardinality(u.ids) * random() ^ 2)::int AS ui,
                         random() AS kind, now() - random() * interval '80 days' AS at
                  FROM generate_series($1::bigint, $2::bigint) i, c, u)
       INSERT INTO grants (client_ref, client_id, user_id, username, grant_type, scopes, issued_at, access_expires_at, refresh_token_hash, refresh_remaining, created_at)
       SELECT c.ids[r.ci], 'fill-client-' || r.ci, CASE WHEN r.kind >= 0.45 THEN u.ids[r.ui] END, CASE WHEN r.kind >= 0.45 THEN u.names[r.ui] END,
              CASE WHEN r.kind < 0.45 THEN 'client_credentials' ELSE 'authorization_code' END, '["read"]', r.at, r.at + interval '1 hour',
              CASE WHEN r.kind >= 0.45 THEN encode(sha256(('fill-' || r.i)::bytea), 'base64') END, CASE WHEN r.kind >= 0.45 THEN 10 END, r.at
       FROM r, c, u`,
      [start, Math.min(count, start + 999_999)],
    );
  }
  await dataSource.query(`SET maintenance_work_mem = '256MB'`);
  for (const index of indexes.rows) await dataSource.query(index.definition);
}
