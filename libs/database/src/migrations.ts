import { DataSource, type DataSourceOptions, type QueryRunner } from 'typeorm';
import type { DatabasePoolMode } from './pool-mode.js';

/** Beside the apps' other advisory locks (outbox 724_310_001, relay …002, keys …101). */
const MIGRATIONS_LOCK_KEY = 724_310_201;

/**
 * TypeORM's `migrationsRun` takes no lock: instances booting together on an empty database would
 * all create the schema, and all but one crash at start. They take turns on an advisory lock held
 * on a connection of its own; the later ones find nothing left to apply. Resolves to the names of
 * the migrations this call applied.
 *
 * Session mode holds a session-level lock. Behind a transaction pooler a session-level lock would
 * stay with whichever server connection ran `pg_advisory_lock` (the unlock may run on another),
 * and the next boot would wait for it forever; there the lock is transaction-scoped, in a
 * transaction left open on the lock's connection (which pins its server connection) until the
 * migrations, each in its own transaction on other connections, are done.
 *
 * In either mode the waiting instances poll the try variant instead of blocking: a statement
 * blocked on the lock holds a snapshot for as long as it waits, and CREATE INDEX CONCURRENTLY
 * (migration 1765500000000) waits for every older snapshot, so the holder waited on its waiters
 * until their statement timeout cancelled them (concurrent-boot e2e on PostgreSQL, seen failing). Between two attempts a waiter holds none (an idle transaction in READ COMMITTED
 * keeps no xmin).
 */
export async function runMigrationsExclusively(dataSource: DataSource, poolMode: DatabasePoolMode = 'session'): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    return await (poolMode === 'transaction' ? underTransactionLock(lock, dataSource) : underSessionLock(lock, dataSource));
  } finally {
    await lock.release();
  }
}

async function underSessionLock(lock: QueryRunner, dataSource: DataSource): Promise<string[]> {
  await pollUntilTaken(lock, `SELECT pg_try_advisory_lock(${MIGRATIONS_LOCK_KEY}) AS locked`);
  try {
    return await applyPending(dataSource);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY]).catch(() => undefined);
  }
}

async function underTransactionLock(lock: QueryRunner, dataSource: DataSource): Promise<string[]> {
  await lock.startTransaction();
  try {
    await pollUntilTaken(lock, `SELECT pg_try_advisory_xact_lock(${MIGRATIONS_LOCK_KEY}) AS locked`);
    return await applyPending(dataSource);
  } finally {
    // The transaction wrote nothing: ending it, however, is what releases the lock.
    await lock.rollbackTransaction().catch(() => undefined);
  }
}

const LOCK_POLL_MS = 100;

/**
 * The try statement goes without parameters, so the driver sends it as a simple query: with
 * parameters it goes through the extended protocol, whose unnamed portal stays open until the next
 * Bind or the end of the transaction, and an open portal keeps its snapshot. In transaction mode
 * that left the lock's open transaction with an xmin, and the first CREATE INDEX CONCURRENTLY of
 * migration 1765500000000 waited for it forever (pg_stat_activity: the lock's connection "idle in
 * transaction" with a backend_xmin, the build waiting on its virtualxid; pgbouncer e2e).
 */
async function pollUntilTaken(lock: QueryRunner, tryLock: string): Promise<void> {
  for (;;) {
    const [{ locked }]: { locked: boolean }[] = await lock.query(tryLock);
    if (locked) return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function applyPending(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** For TypeOrmModule.forRootAsync: the DataSource, migrated, before any repository uses it. */
export async function migratedDataSource(options: DataSourceOptions, poolMode: DatabasePoolMode = 'session'): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource, poolMode);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
