import pg from 'pg';

const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Every e2e file creates its own database (libs/testing/src/test-database.ts) and drops it at the
 * end. A run that was killed leaves its databases behind: drop those older than an hour (the name
 * carries its creation time), never the ones a concurrent run may still be using.
 */
export default async function globalSetup() {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return;
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
