import 'reflect-metadata';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter, adminValidationPipe, renderClientError, renderFrameworkError } from '#errors';
import { HttpMetrics, installWorkerIdentity, laneServerFactory, setupOpenApi } from '#operability';
import { appLogging, requestIdOptions } from '#observability';
import { BearerTokenGuard, RegistryProjection, RegistrySyncService } from '#resource-guard';
import { checkRedisConnection } from '#sync';
import { installAdminCors } from './admin/admin-cors.js';
import { ResourceAppModule, type ResourceServerOptions } from './app.module.js';
import { installFastLanes } from './auth/fast-lane.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';
import { installEnvoyCheckBodies } from './forward-auth/envoy-check-bodies.js';
import { VerifyLane } from './forward-auth/verify-lane.js';
import { Gateway } from './gateway/gateway.js';
import { GatewayLane } from './gateway/gateway-lane.js';
import { UpstreamForwarder } from './gateway/upstream-forwarder.js';
import { RsMetrics } from './metrics/rs-metrics.js';
import { RouteAuthorizer } from './route-access/route-authorizer.js';

export type { ResourceServerOptions } from './app.module.js';

/** Builds the resource server exactly as production runs it; main.ts, the launcher and e2e tests share it. */
export async function createResourceServer(config: ResourceServerConfig, options: ResourceServerOptions = {}): Promise<NestFastifyApplication> {
  if (config.redisUrl && (await checkRedisConnection(config.redisUrl)) === 'unreachable') {
    new Logger('ResourceServer').warn('Redis is unreachable at boot: events arrive once it is back');
  }
  const logging = appLogging('resource-server', config);
  // Lanes answer the hottest requests from Node's server, before Fastify; the rest is Fastify's.
  const verifyLane = new VerifyLane();
  const gatewayLane = new GatewayLane();
  const adapter = new FastifyAdapter({
    serverFactory: laneServerFactory((req, res) => verifyLane.serve(req, res) || gatewayLane.serve(req, res)),
    bodyLimit: 64 * 1024,
    trustProxy: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: renderClientError,
    ...requestIdOptions,
  });
  logging.install(adapter.getInstance());
  installWorkerIdentity(adapter.getInstance());
  gatewayLane.install(adapter.getInstance());
  verifyLane.install(adapter.getInstance());
  installAdminCors(adapter.getInstance(), config.issuer);
  installEnvoyCheckBodies(adapter.getInstance());
  const fastLanes = installFastLanes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(ResourceAppModule.forRoot(config, options), adapter, { logger: logging.nestLogger, abortOnError: false });
  fastLanes.resolve({ guard: app.get(BearerTokenGuard), controller: (type) => app.get(type, { strict: false }) });
  app.get(Gateway).install(adapter.getInstance());
  const laneHost = {
    authorizer: app.get(RouteAuthorizer),
    metrics: app.get(RsMetrics),
    httpMetrics: app.get(HttpMetrics),
    requestCompleted: logging.requestCompleted,
  };
  verifyLane.resolve(laneHost);
  gatewayLane.resolve({ ...laneHost, forwarder: app.get(UpstreamForwarder) });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(adminValidationPipe());
  // No enableShutdownHooks(): it runs the hooks while requests are still in flight; main.ts and
  // the launcher stop through shutdownGracefully() (libs/operability) instead.
  setupOpenApi(app, 'Portcullis resource server', 'Demo protected API, resource-server admin API (/admin/v1), health and metrics.');
  // Runs the lifecycle hooks now: RegistrySyncService loads the stored registry and
  // lastAppliedSeq, then the registry's event consumer starts (libs/resource-guard).
  try {
    await app.init();
  } catch (error) {
    // A boot refused half-way (a route naming a scope the registry lacks, the database away) must
    // not leave its pools, pollers and consumers running in a process that goes on (the launcher
    // with the auth server, a test): what the hooks started is stopped before the refusal is thrown.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
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
  await app.listen(config.port, config.host);
  return app;
}
