import type { QueryRunner } from 'typeorm';

/** Shared by the migrations that build indexes on the large tables (1765500000000, 1766300000000). */

/** CREATE INDEX CONCURRENTLY, idempotent: an INVALID leftover of an interrupted build is dropped first. */
export async function createIndexOnline(queryRunner: QueryRunner, name: string, definition: string): Promise<void> {
  const rows: { valid: boolean }[] = await queryRunner.query(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [name],
  );
  if (rows[0]?.valid) return;
  // PGlite (the embedded default) serves every connection from one backend, so CONCURRENTLY waits
  // forever on the pool's other connections (the launcher's start hung on it): build it plainly
  // there, where tables are small and nothing else is waiting.
  const concurrently = (await isPglite(queryRunner)) ? '' : 'CONCURRENTLY ';
  if (rows.length) await queryRunner.query(`DROP INDEX ${concurrently}IF EXISTS ${name}`);
  await untimed(queryRunner, `CREATE INDEX ${concurrently}${name} ${definition}`);
}

/** Long enough for any index build; a timer still ends a build whose server went away. */
const INDEX_BUILD_TIMEOUT_MS = 12 * 3600_000;

/**
 * A statement free of the pool's timeouts (DATABASE_TIMEOUTS: the server's statement_timeout of
 * 15 s, the driver's query_timeout of 20 s), which protect requests, not index builds: a
 * CONCURRENTLY build on millions of grants takes longer, and cancelled it would leave an INVALID
 * index and a boot that fails every time (the online-migration e2e, 5 million rows). The
 * connection goes back to the pool with its own timeout again (RESET: the connection's default).
 */
async function untimed(queryRunner: QueryRunner, sql: string): Promise<void> {
  const connection = (await queryRunner.connect()) as { query(query: string | { text: string; query_timeout: number }): Promise<unknown> };
  await connection.query('SET statement_timeout = 0');
  try {
    await connection.query({ text: sql, query_timeout: INDEX_BUILD_TIMEOUT_MS });
  } finally {
    await connection.query('RESET statement_timeout');
  }
}

export async function isPglite(queryRunner: QueryRunner): Promise<boolean> {
  const [{ version }]: { version: string }[] = await queryRunner.query('SELECT version() AS version');
  return version.includes('PGlite');
}

/** DROP INDEX CONCURRENTLY IF EXISTS (plainly on PGlite, as above): no lock that blocks the table's writers. */
export async function dropIndexOnline(queryRunner: QueryRunner, name: string): Promise<void> {
  const concurrently = (await isPglite(queryRunner)) ? '' : 'CONCURRENTLY ';
  await queryRunner.query(`DROP INDEX ${concurrently}IF EXISTS ${name}`);
}
