import { DynamicModule, Module } from '@nestjs/common';
import { ResourceServerConfigModule } from './config/config.module.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';
import { HealthController } from './health/health.controller.js';

/** Composition root of the resource server. */
@Module({})
export class ResourceAppModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return { module: ResourceAppModule, imports: [ResourceServerConfigModule.forRoot(config)], controllers: [HealthController] };
  }
}
