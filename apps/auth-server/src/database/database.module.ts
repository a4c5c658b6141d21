import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, migratedDataSource } from '#database';
import type { AuthServerConfig } from '../config/auth-server.config.js';
import { authServerMigrations } from './migrations/index.js';
import { NamedStatements } from './prepared-statement-executor.js';

/** TypeORM on PostgreSQL; entities register themselves through forFeature (autoLoadEntities). Global: NamedStatements for the hot paths' repositories. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AuthServerConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [NamedStatements],
      exports: [NamedStatements],
      imports: [
        TypeOrmModule.forRootAsync({
          // Migrations run at start, one instance at a time (libs/database/src/migrations.ts).
          useFactory: () => ({
            ...dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: authServerMigrations, embedded: config.embeddedDatabase }),
            autoLoadEntities: true,
          }),
          dataSourceFactory: (options) => migratedDataSource(options!),
        }),
      ],
    };
  }
}
