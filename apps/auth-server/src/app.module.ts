import { DynamicModule, Module } from '@nestjs/common';
import { AdminAuthModule } from './admin-auth/admin-auth.module.js';
import { ClientsModule } from './clients/clients.module.js';
import type { AuthServerConfig } from './config/auth-server.config.js';
import { AuthServerConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { UsersModule } from './users/users.module.js';

/** Composition root: feature modules only. Add one import per feature module. */
@Module({})
export class AppModule {
  static forRoot(config: AuthServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthServerConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        OutboxModule,
        SettingsModule,
        ClientsModule,
        UsersModule,
        AdminAuthModule,
        HealthModule,
      ],
    };
  }
}
