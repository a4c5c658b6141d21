import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { GrantInsertStatement } from './grant-insert-batcher.js';

/**
 * Runs a hot-path statement as a named prepared statement straight on the driver's pool: each
 * connection parses and plans it once instead of per call, and TypeORM's per-call query runner
 * is skipped. The embedded PGlite goes through TypeORM unnamed (its session multiplexer keeps no
 * per-connection statements). Errors stay the driver's, which the exception filter classifies
 * the same way (SQLSTATE, connection failures -> 503).
 */
export function preparedStatementExecutor(
  dataSource: DataSource,
  embedded: boolean,
): (statement: GrantInsertStatement, parameters: unknown[]) => Promise<unknown> {
  if (embedded) return (statement, parameters) => dataSource.query(statement.text, parameters);
  let pool: Pool | undefined;
  return (statement, parameters) => {
    pool ??= (dataSource.driver as unknown as { master: Pool }).master;
    return pool.query({ name: statement.name, text: statement.text, values: parameters });
  };
}
