import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Tx } from './tx.js';

/**
 * For repositories and database modules only (dependency-cruiser: persistence-helpers-only-in-persistence):
 * the ways from the opaque handles back to TypeORM and the driver.
 */

/** The handle services carry for this transaction's EntityManager. */
export function txOf(manager: EntityManager): Tx {
  return manager as unknown as Tx;
}

/** The EntityManager of a transaction a service handed over. */
export function entityManagerOf(tx: Tx): EntityManager {
  return tx as unknown as EntityManager;
}

/**
 * The pg pool under TypeORM's postgres driver (it keeps it as `master`); undefined before the
 * data source is initialized. For what TypeORM does not offer: named prepared statements, pool counts.
 */
export function poolOf(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool } | undefined)?.master;
}
