import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DATABASE_ACCESS_PROVIDERS, dataSourceOptions, migratedDataSource } from '#database';
import type { AuthServerConfig } from '../config/auth-server.config.js';
import { authServerMigrations } from './migrations/index.js';
import { NamedStatements } from './prepared-statement-executor.js';

/** TypeORM on PostgreSQL; entities register themselves through forFeature (autoLoadEntities). Global: NamedStatements for the hot paths' repositories, TransactionRunner and DatabaseStatus for the services. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AuthServerConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [NamedStatements, ...DATABASE_ACCESS_PROVIDERS],
      exports: [NamedStatements, ...DATABASE_ACCESS_PROVIDERS],
      imports: [
        TypeOrmModule.forRootAsync({
          // Migrations run at start, one instance at a time (libs/database/src/migrations.ts).
          useFactory: () => ({
            ...dataSourceOptions({ url: config.databaseUrl, entities: [], migrations: authServerMigrations, embedded: config.embeddedDatabase }),
            autoLoadEntities: true,
          }),
          dataSourceFactory: (options) => migratedDataSource(options!, config.databasePoolMode),
        }),
      ],
    };
  }
}
