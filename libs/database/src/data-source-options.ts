import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** Embedded PGlite serialises everything; a small pool avoids queueing behind its multiplexer. */
  embedded?: boolean;
}

/**
 * How long a request can wait on PostgreSQL (SECURITY-CHECKLIST F-10): a server that is away is
 * noticed on connect; statement_timeout is enforced by a server that runs; a frozen or
 * partitioned server never answers, so the driver gives up a little after it (an error, hence 503).
 */
export const DATABASE_TIMEOUTS = { connectMs: 5000, statementMs: 15000, queryMs: 20000 } as const;

/**
 * pg-pool listens for a connection's 'error' only while it is idle, TypeORM only while one of its
 * query runners holds it: a connection checked out with nobody listening (between two statements of
 * its holder) that the server drops (FATAL 57P01 on a PostgreSQL restart) would throw the error
 * out of the socket's callback and end the process. The one-hour soak lost an auth server so. This
 * listener stays for the connection's life; the holder still learns of the failure from its next
 * statement ("not queryable"), and the pool drops the connection when it comes back.
 */
function keepErrorsOfCheckedOutConnections(client: { on(event: 'error', listener: () => void): unknown }): void {
  client.on('error', () => undefined);
}

/** One place for the driver settings both apps share; `synchronize` is never used. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    // TypeORM's error log prints query parameters (hashes, token digests): failures are logged by the exception filter instead.
    logging: false,
    extra: {
      max: options.poolSize ?? (options.embedded ? 4 : 20),
      connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
      idleTimeoutMillis: 30000,
      statement_timeout: DATABASE_TIMEOUTS.statementMs,
      query_timeout: DATABASE_TIMEOUTS.queryMs,
      // Notice a peer that vanished without a FIN (a failover, a dropped route) on idle pooled connections.
      keepAlive: true,
      onConnect: keepErrorsOfCheckedOutConnections,
    },
  };
}
