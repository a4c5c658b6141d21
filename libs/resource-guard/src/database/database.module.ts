import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, migratedDataSource } from '#database';
import { RESOURCE_GUARD_OPTIONS } from '../config/config.module.js';
import type { ResourceGuardOptions } from '../config/resource-guard.options.js';
import { registryMigrations } from './migrations/index.js';
import { REGISTRY_DATA_SOURCE } from './registry-data-source.js';

/** Named, so that it never takes the place of the embedding app's own (default) data source. */
const GUARD_DATA_SOURCE = 'portcullis-resource-guard';

/**
 * ResourceGuardModule's own PostgreSQL connection for the registry (the resource server uses its
 * own database module instead); the registry migrations run at start, one instance at a time.
 * Global, like each app's database module: the registry repository injects REGISTRY_DATA_SOURCE.
 */
@Module({})
export class ResourceGuardDatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: ResourceGuardDatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          name: GUARD_DATA_SOURCE,
          inject: [RESOURCE_GUARD_OPTIONS],
          useFactory: (options: ResourceGuardOptions) => dataSourceOptions({ url: options.databaseUrl, entities: [], migrations: registryMigrations }),
          dataSourceFactory: (options) => migratedDataSource(options!),
        }),
      ],
      providers: [{ provide: REGISTRY_DATA_SOURCE, useExisting: getDataSourceToken(GUARD_DATA_SOURCE) }],
      exports: [REGISTRY_DATA_SOURCE],
    };
  }
}
