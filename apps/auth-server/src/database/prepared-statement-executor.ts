import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '#database/persistence';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';

/** A statement whose text never changes for its `name` (e.g. one per multi-row INSERT row count). */
export interface NamedStatement {
  name: string;
  text: string;
}

/** Resolves with the statement's rows (none for an INSERT without RETURNING). */
export type ExecuteNamed = (statement: NamedStatement, parameters: unknown[]) => Promise<unknown[]>;

/** How the executor sends statements: see preparedStatementExecutor. */
export interface StatementMode {
  /** The embedded PGlite: through TypeORM, unnamed. */
  embedded: boolean;
  /** false behind a transaction pooler (DATABASE_PREPARED_STATEMENTS=off): unnamed on the pool. */
  named: boolean;
}

/**
 * Runs a hot-path statement as a named prepared statement straight on the driver's pool: each
 * connection parses and plans it once instead of per call, and TypeORM's per-call query runner
 * is skipped. The embedded PGlite goes through TypeORM unnamed (its session multiplexer keeps no
 * per-connection statements). Behind a transaction pooler the driver's connection is not one
 * server session, so a statement it prepared may be missing (26000) or already there (42P05) on the
 * server connection of the next transaction: there the statement goes unnamed (parsed per call).
 * Errors stay the driver's, which the exception filter classifies the same way (SQLSTATE,
 * connection failures -> 503).
 */
export function preparedStatementExecutor(dataSource: DataSource, mode: StatementMode): ExecuteNamed {
  if (mode.embedded) return async (statement, parameters) => rowsOf(await dataSource.query(statement.text, parameters));
  let pool: Pool | undefined;
  return (statement, parameters) => {
    pool ??= poolOf(dataSource)!;
    const query = mode.named ? { name: statement.name, text: statement.text, values: parameters } : { text: statement.text, values: parameters };
    return pool.query(query).then((result) => result.rows as unknown[]);
  };
}

/** TypeORM answers a SELECT with its rows, an INSERT without RETURNING with nothing useful. */
function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [];
}

/** The app's executor of named statements (DatabaseModule provides it to every repository). */
@Injectable()
export class NamedStatements {
  readonly execute: ExecuteNamed;

  constructor(@InjectDataSource() dataSource: DataSource, @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig) {
    this.execute = preparedStatementExecutor(dataSource, { embedded: config.embeddedDatabase, named: config.preparedStatements });
  }
}
