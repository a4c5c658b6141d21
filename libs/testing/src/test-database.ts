import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres } from '#database/embedded-postgres';

export interface TestDatabase {
  url: string;
  /** true when the database lives in a real PostgreSQL server. */
  real: boolean;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file. With TEST_DATABASE_URL (set by .ci/run) it is a new
 * database in that real server, so test files never see each other's rows; without it, an
 * in-memory PGlite served over the wire protocol, started from the freshly initialised data
 * directory test/global-setup.js dumped (PORTCULLIS_PGLITE_TEMPLATE) rather than its own initdb.
 */
export async function createTestDatabase(serverUrl = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!serverUrl) {
    const template = process.env.PORTCULLIS_PGLITE_TEMPLATE;
    const embedded = await startEmbeddedPostgres(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
    return { url: embedded.url, real: false, drop: () => embedded.stop() };
  }
  const name = `portcullis_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    real: true,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
