import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** Embedded PGlite serialises everything; a small pool avoids queueing behind its multiplexer. */
  embedded?: boolean;
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
      // Fail fast when PostgreSQL is away, rather than letting requests hang (SECURITY-CHECKLIST F-10).
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      statement_timeout: 15000,
    },
  };
}
