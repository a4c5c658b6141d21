import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '../../../../libs/database/src/index.js';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import { resourceServerMigrations } from './migrations/index.js';

/** The resource server's own PostgreSQL; its migrations run at start. Repositories use raw SQL. */
@Module({})
export class ResourceDatabaseModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return {
      module: ResourceDatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: resourceServerMigrations, embedded: config.embeddedDatabase }),
          migrationsRun: true,
          migrationsTransactionMode: 'each',
        }),
      ],
    };
  }
}
