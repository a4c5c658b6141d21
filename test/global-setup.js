import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const STALE_AFTER_MS = 60 * 60 * 1000;

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) await dropStaleTestDatabases(process.env.TEST_DATABASE_URL);
  else process.env.PORTCULLIS_PGLITE_TEMPLATE = await pgliteTemplate();
}

/**
 * Every e2e file creates its own database (libs/testing/src/test-database.ts) and drops it at the
 * end. A run that was killed leaves its databases behind: drop those older than an hour (the name
 * carries its creation time), never the ones a concurrent run may still be using.
 */
async function dropStaleTestDatabases(serverUrl) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'portcullis\\_test\\_%'");
    for (const { datname } of rows) {
      const createdAt = parseInt(datname.split('_')[2], 36);
      if (Number.isFinite(createdAt) && Date.now() - createdAt > STALE_AFTER_MS) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * PGlite spends most of its start-up in initdb (8-12 s on a busy 2-core machine, against about
 * 1.5 s to load a dumped data directory), and each e2e file starts one or more. So initdb runs
 * once: its data directory is dumped to a file that every test database starts from
 * (PORTCULLIS_PGLITE_TEMPLATE, read by createTestDatabase; the env reaches the workers). Kept
 * between runs per PGlite version; written under a temporary name and renamed, so a concurrent or
 * killed run never leaves a partial file behind.
 */
async function pgliteTemplate() {
  // The package's exports map has no ./package.json entry: read it from node_modules.
  const { version } = JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'));
  const directory = join(tmpdir(), 'portcullis-test');
  const file = join(directory, `pglite-${version}-initdb.tar`);
  if (existsSync(file)) return file;
  mkdirSync(directory, { recursive: true });
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await db.close();
  }
  return file;
}
