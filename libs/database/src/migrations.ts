import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';

/** Beside the apps' other advisory locks (outbox 724_310_001, relay …002, keys …101). */
const MIGRATIONS_LOCK_KEY = 724_310_201;

/**
 * TypeORM's `migrationsRun` takes no lock: instances booting together on an empty database would
 * all create the schema, and all but one crash at start. They take turns on a session-level
 * advisory lock held on a connection of its own; the later ones find nothing left to apply.
 * The waiting ones poll pg_try_advisory_lock instead of blocking in pg_advisory_lock: a blocked
 * statement holds a snapshot for as long as it waits, and CREATE INDEX CONCURRENTLY (migration
 * 1765500000000) waits for every older snapshot, so the holder would wait on its waiters forever.
 * Resolves to the names of the migrations this call applied.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await takeLock(lock);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

const LOCK_POLL_MS = 100;

async function takeLock(lock: QueryRunner): Promise<void> {
  for (;;) {
    const [{ locked }]: { locked: boolean }[] = await lock.query('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATIONS_LOCK_KEY]);
    if (locked) return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

/** For TypeOrmModule.forRootAsync: the DataSource, migrated, before any repository uses it. */
export async function migratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
