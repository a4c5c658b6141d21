import 'reflect-metadata';
import '#operability/deferred-modules';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsExclusively } from '#database';
import { loadAuthServerConfig } from '../config/auth-server.config.js';
import { authServerMigrations } from './migrations/index.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL and exits. */
async function migrate(): Promise<void> {
  const config = loadAuthServerConfig();
  const dataSource = new DataSource(dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: authServerMigrations }));
  await dataSource.initialize();
  const applied = await runMigrationsExclusively(dataSource, config.databasePoolMode);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
  await dataSource.destroy();
}

migrate().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
