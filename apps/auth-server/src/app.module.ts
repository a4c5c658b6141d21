import { DynamicModule, Module } from '@nestjs/common';
import { AdminAuthModule } from './admin-auth/admin-auth.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthorizeModule } from './authorize/authorize.module.js';
import { LogoutModule } from './logout/logout.module.js';
import { AuthorizationCodeGrantModule } from './token/grants/authorization-code/authorization-code-grant.module.js';
import { TokenExchangeGrantModule } from './token/grants/token-exchange/token-exchange-grant.module.js';
import { DeviceCodeGrantModule } from './token/grants/device-code/device-code-grant.module.js';
import { DeviceAuthorizationModule } from './device-authorization/device-authorization.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { ConsoleModule } from './console/console.module.js';
import type { AuthServerConfig } from './config/auth-server.config.js';
import { AuthServerConfigModule } from './config/config.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportExportModule } from './import-export/import-export.module.js';
import { AuthorizationServerMetadataModule } from './discovery/discovery.module.js';
import { IntrospectionModule } from './introspection/introspection.module.js';
import { KeysModule } from './keys/keys.module.js';
import { AuthMetricsModule } from './metrics/metrics.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RegistrationModule } from './registration/registration.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { RevocationModule } from './revocation/revocation.module.js';
import { ParModule } from './par/par.module.js';
import { TokenModule } from './token/token.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { ScopesModule } from './scopes/scopes.module.js';
import { ResourcesModule } from './resources/resources.module.js';
import { SettingsAdminModule } from './settings/settings-admin.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { SyncModule } from './sync/sync.module.js';
import { UsersAdminModule } from './users/users-admin.module.js';
import { UsersModule } from './users/users.module.js';
import { UserinfoModule } from './userinfo/userinfo.module.js';

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
        AuditModule,
        SettingsModule,
        ClientsModule,
        ScopesModule,
        ResourcesModule,
        OidcModule,
        UsersModule,
        AdminAuthModule,
        UsersAdminModule,
        SettingsAdminModule,
        HealthModule,
        AuthMetricsModule,
        KeysModule,
        RateLimitModule,
        TokensModule,
        TokenModule,
        AuthorizeModule,
        LogoutModule,
        AuthorizationCodeGrantModule,
        TokenExchangeGrantModule,
        DeviceAuthorizationModule,
        DeviceCodeGrantModule,
        IntrospectionModule,
        RevocationModule,
        ParModule,
        RegistrationModule,
        UserinfoModule,
        AuthorizationServerMetadataModule,
        SyncModule,
        RetentionModule,
        ConsoleModule,
        ImportExportModule,
        DashboardModule,
      ],
    };
  }
}
