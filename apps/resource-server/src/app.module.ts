import { hostname } from 'node:os';
import { DynamicModule, Module } from '@nestjs/common';
import { ResourceGuardModule, type ResourceGuardConfig } from '#resource-guard';
import type { InProcessEventBus } from '#sync';
import { RsAdminModule } from './admin/rs-admin.module.js';
import { ResourceServerConfigModule } from './config/config.module.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';
import { ResourceDatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { ForwardAuthModule } from './forward-auth/forward-auth.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { HealthModule } from './health/health.module.js';
import { RsMetricsModule } from './metrics/metrics.module.js';
import { WorkerSiblings } from './workers/worker-siblings.js';

export interface ResourceServerOptions {
  /** The launcher's shared bus: used when no REDIS_URL is configured (single-process mode). */
  eventBus?: InProcessEventBus;
  /**
   * Consumer group: one per instance, kept across restarts so that a restarted instance resumes
   * where it acked. Defaults to `rs-<hostname>-<port>`: stable across restarts, distinct per replica.
   */
  consumerGroup?: string;
  /** Redis Stream to read instead of config.syncStream (SYNC_STREAM); tests isolate themselves. */
  syncStream?: string;
}

/** Composition root of the resource server. */
@Module({})
export class ResourceAppModule {
  static forRoot(config: ResourceServerConfig, options: ResourceServerOptions = {}): DynamicModule {
    const siblings = new WorkerSiblings();
    return {
      module: ResourceAppModule,
      imports: [
        ResourceServerConfigModule.forRoot(config, siblings),
        ResourceDatabaseModule.forRoot(config),
        // The token check, the synced registry and the RFC 9728 document (libs/resource-guard), on
        // this app's database, with @RequireScopes per route and the app's one exception filter.
        ResourceGuardModule.forHost(guardConfigOf(config, options, siblings), { protectAllRoutes: false, renderErrors: false }),
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

function guardConfigOf(config: ResourceServerConfig, options: ResourceServerOptions, siblings: WorkerSiblings): ResourceGuardConfig {
  return {
    issuer: config.issuer,
    authServerUrl: config.authServerUrl,
    audience: config.audience,
    redisUrl: config.redisUrl,
    syncStream: options.syncStream ?? config.syncStream,
    consumerGroup: options.consumerGroup ?? `rs-${hostname()}-${config.port}`,
    // Redis when configured; the launcher's bus otherwise (single-process mode).
    eventBus: config.redisUrl ? undefined : options.eventBus,
    client: config.client,
    tokenValidation: config.tokenValidation,
    authServerMode: config.authServerMode,
    siblings: siblings.registry(),
  };
}
