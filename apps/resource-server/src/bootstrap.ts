import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter, adminValidationPipe, renderClientError, renderFrameworkError } from '#errors';
import { setupOpenApi } from '#operability';
import { appLogging, requestIdOptions } from '#observability';
import {
  checkRedisConnection,
  InProcessTransport,
  RedisStreamsTransport,
  type InProcessEventBus,
  type SyncConsumerOptions,
  type SyncTransportServer,
} from '#sync';
import { installAdminCors } from './admin/admin-cors.js';
import { ResourceAppModule } from './app.module.js';
import { BearerTokenGuard } from './auth/bearer-token.guard.js';
import { installFastLanes } from './auth/fast-lane.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';
import { installEnvoyCheckBodies } from './forward-auth/envoy-check-bodies.js';
import { Gateway } from './gateway/gateway.js';
import { EventVerifier } from './registry/event-verifier.js';
import { RsMetrics } from './metrics/rs-metrics.js';
import { RegistryProjection } from './registry/registry-projection.js';
import { RegistrySyncService } from './registry/registry-sync.service.js';
import { SyncTransportRegistry } from './registry/sync-status.js';

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

/** Builds the resource server exactly as production runs it; main.ts, the launcher and e2e tests share it. */
export async function createResourceServer(config: ResourceServerConfig, options: ResourceServerOptions = {}): Promise<NestFastifyApplication> {
  if (config.redisUrl && (await checkRedisConnection(config.redisUrl)) === 'unreachable') {
    new Logger('ResourceServer').warn('Redis is unreachable at boot: events arrive once it is back');
  }
  const logging = appLogging('resource-server', config);
  const adapter = new FastifyAdapter({
    bodyLimit: 64 * 1024,
    trustProxy: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: renderClientError,
    ...requestIdOptions,
  });
  logging.install(adapter.getInstance());
  installAdminCors(adapter.getInstance(), config.issuer);
  installEnvoyCheckBodies(adapter.getInstance());
  const fastLanes = installFastLanes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(ResourceAppModule.forRoot(config), adapter, { logger: logging.nestLogger, abortOnError: false });
  fastLanes.resolve({ guard: app.get(BearerTokenGuard), controller: (type) => app.get(type, { strict: false }) });
  app.get(Gateway).install(adapter.getInstance());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(adminValidationPipe());
  // No enableShutdownHooks(): it runs the hooks while requests are still in flight; main.ts and
  // the launcher stop through shutdownGracefully() (libs/operability) instead.
  setupOpenApi(app, 'Portcullis resource server', 'Demo protected API, resource-server admin API (/admin/v1), health and metrics.');
  connectSyncTransport(app, config, options);
  // Run the lifecycle hooks (RegistrySyncService loads the stored registry and lastAppliedSeq)
  // now: startAllMicroservices() starts consuming before listen() would run them, and a consumer
  // that sees lastAppliedSeq 0 takes every redelivery for a gap, and its snapshot can race the
  // initial load.
  await app.init();
  return app;
}

/** Events reach the `@EventPattern` handlers through Redis Streams, or the in-process bus. */
function connectSyncTransport(app: NestFastifyApplication, config: ResourceServerConfig, options: ResourceServerOptions): void {
  // Another authorization server sends no events (AUTH_SERVER_MODE=external).
  if (config.authServerMode === 'external') return;
  const sync = app.get(RegistrySyncService);
  const transports = app.get(SyncTransportRegistry);
  const metrics = app.get(RsMetrics, { strict: false });
  const consumer: SyncConsumerOptions = {
    group: options.consumerGroup ?? defaultGroup(config),
    lastAppliedSeq: async () => sync.lastAppliedSeq(),
    onGap: () => sync.resync(),
    onDeadLetter: (reason) => {
      transports.entryDeadLettered(reason);
      metrics.eventDeadLettered(reason);
    },
    onAccepted: () => transports.entryAccepted(),
  };
  let strategy: SyncTransportServer;
  if (config.redisUrl) {
    // Anything can write to Redis: only envelopes the auth server signed are applied.
    const verifier = new EventVerifier(config, () => metrics.jwksFetched());
    strategy = new RedisStreamsTransport({
      ...consumer,
      redisUrl: config.redisUrl,
      stream: options.syncStream ?? config.syncStream,
      consumer: randomUUID(),
      decode: verifier.verify,
    });
    transports.register(strategy);
  } else if (options.eventBus) {
    const bus = options.eventBus;
    // Unsigned: nothing outside this process can write to the in-process bus.
    strategy = new InProcessTransport({ ...consumer, bus });
    transports.register({ syncStatus: () => strategy.syncStatus(), latestSeq: () => bus.lastSeq });
  } else {
    // No event source at all: the registry only changes through snapshots. Say so loudly.
    new Logger('ResourceServer').warn('no REDIS_URL and no in-process event bus: registry changes will not be received');
    return;
  }
  app.connectMicroservice({ strategy });
}

function defaultGroup(config: ResourceServerConfig): string {
  return `rs-${hostname()}-${config.port}`;
}

/**
 * The synced registry as seen from outside the app (the e2e harness): its state and a resync,
 * without reaching into the registry module's providers.
 */
export function registryHandle(app: INestApplicationContext) {
  const projection = app.get(RegistryProjection);
  const sync = app.get(RegistrySyncService);
  return {
    /** Whether the first snapshot is loaded (protected routes answer 503 before). */
    isReady: () => projection.isReady(),
    lastAppliedSeq: () => sync.lastAppliedSeq(),
    syncState: () => projection.syncState(),
    client: (clientId: string) => projection.client(clientId),
    /** Replaces the projection from the auth server's snapshot, as on a reported gap. */
    resync: () => sync.resync(),
  };
}

export type RegistryHandle = ReturnType<typeof registryHandle>;

export async function startResourceServer(config: ResourceServerConfig, options: ResourceServerOptions = {}): Promise<NestFastifyApplication> {
  const app = await createResourceServer(config, options);
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
  return app;
}
