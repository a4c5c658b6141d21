import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, migratedDataSource } from '../../../../libs/database/src/index.js';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import { resourceServerMigrations } from './migrations/index.js';

/** The resource server's own PostgreSQL; its migrations run at start. Repositories use raw SQL. */
@Module({})
export class ResourceDatabaseModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return {
      module: ResourceDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          // Migrations run at start, one instance at a time (libs/database/src/migrations.ts).
          useFactory: () => ({
            ...dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: resourceServerMigrations, embedded: config.embeddedDatabase }),
          }),
          dataSourceFactory: (options) => migratedDataSource(options!),
        }),
      ],
    };
  }
}
