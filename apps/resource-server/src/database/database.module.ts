import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATABASE_ACCESS_PROVIDERS, dataSourceOptions, migratedDataSource } from '#database';
import { REGISTRY_DATA_SOURCE } from '#resource-guard';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import { resourceServerMigrations } from './migrations/index.js';

/**
 * @nestjs/typeorm keeps one registry of data source names per process, and the launcher (and the
 * stack tests) run this app beside the auth server, whose data source holds the default name:
 * without a name of its own, every `npm start` warned that "a data source with the default name
 * is already registered". Inside this app's container it is still THE DataSource (an alias), so
 * @InjectDataSource() and libs/database's DatabaseStatus (pool metrics) need no name.
 */
const RESOURCE_DATA_SOURCE = 'resource-server';

/**
 * The resource server's own PostgreSQL; its migrations run at start. Repositories use raw SQL.
 * Global: the DataSource alias, also the synced registry's (REGISTRY_DATA_SOURCE, libs/resource-guard).
 */
@Module({})
export class ResourceDatabaseModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return {
      module: ResourceDatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          name: RESOURCE_DATA_SOURCE,
          // Migrations run at start, one instance at a time (libs/database/src/migrations.ts).
          useFactory: () => ({
            ...dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: resourceServerMigrations, embedded: config.embeddedDatabase }),
          }),
          dataSourceFactory: (options) => migratedDataSource(options!, config.databasePoolMode),
        }),
      ],
      providers: [
        { provide: DataSource, useExisting: getDataSourceToken(RESOURCE_DATA_SOURCE) },
        { provide: REGISTRY_DATA_SOURCE, useExisting: getDataSourceToken(RESOURCE_DATA_SOURCE) },
        ...DATABASE_ACCESS_PROVIDERS,
      ],
      exports: [DataSource, REGISTRY_DATA_SOURCE, ...DATABASE_ACCESS_PROVIDERS],
    };
  }
}
