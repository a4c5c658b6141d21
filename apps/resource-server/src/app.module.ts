import { DynamicModule, Module } from '@nestjs/common';
import { RsAdminModule } from './admin/rs-admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ResourceServerConfigModule } from './config/config.module.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';
import { ResourceDatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { ForwardAuthModule } from './forward-auth/forward-auth.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { HealthModule } from './health/health.module.js';
import { RsMetricsModule } from './metrics/metrics.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { WellKnownModule } from './well-known/well-known.module.js';

/** Composition root of the resource server. */
@Module({})
export class ResourceAppModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return {
      module: ResourceAppModule,
      imports: [
        ResourceServerConfigModule.forRoot(config),
        ResourceDatabaseModule.forRoot(config),
        RegistryModule,
        AuthModule,
        WellKnownModule,
        DemoModule,
        ForwardAuthModule,
        GatewayModule,
        RsAdminModule,
        HealthModule,
        RsMetricsModule,
      ],
    };
  }
}
