import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter, adminValidationPipe, renderClientError, renderFrameworkError } from '#errors';
import { glibcRuntimeVersion, HttpMetrics, installWorkerIdentity, mallocTuningWarning, setupOpenApi } from '#operability';
import { appLogging, requestIdOptions } from '#observability';
import { checkRedisConnection } from '#sync';
import { AppModule } from './app.module.js';
import type { AuthServerConfig } from './config/auth-server.config.js';
import { TokenAnswers } from './token/token-answers.js';
import { TokenEndpoint } from './token/token-endpoint.js';
import { TokenLane } from './token/token-lane.js';
import { InitialAdminService, type InitialAdminCredentials } from './users/initial-admin.service.js';
import { installUserinfoCors } from './userinfo/userinfo-cors.js';

/** Request bodies above this are refused before parsing. */
// maxParamLength: long path segments reach our validation (a clean 404) instead of a bare 414.
const BODY_LIMIT_BYTES = 256 * 1024;

const tokenLanes = new WeakMap<NestFastifyApplication, TokenLane>();

/** The token lane in front of an app createAuthServer built (tests). */
export function tokenLaneOf(app: NestFastifyApplication): TokenLane | undefined {
  return tokenLanes.get(app);
}

/** Builds the auth server exactly as production runs it; main.ts, the launcher and e2e tests share it. */
export async function createAuthServer(config: AuthServerConfig): Promise<NestFastifyApplication> {
  if (config.redisUrl && (await checkRedisConnection(config.redisUrl)) === 'unreachable') {
    new Logger('AuthServer').warn('Redis is unreachable at boot: the outbox keeps events until it is back');
  }
  const logging = appLogging('auth-server', config);
  const tokenLane = new TokenLane(BODY_LIMIT_BYTES);
  const adapter = new FastifyAdapter({ serverFactory: tokenLane.serverFactory, bodyLimit: BODY_LIMIT_BYTES, trustProxy: false, return503OnClosing: true, routerOptions: { maxParamLength: 1024 }, frameworkErrors: renderFrameworkError, clientErrorHandler: renderClientError, ...requestIdOptions });
  logging.install(adapter.getInstance());
  installWorkerIdentity(adapter.getInstance());
  installUserinfoCors(adapter.getInstance());
  tokenLane.install(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: logging.nestLogger,
    abortOnError: false,
  });
  const mallocWarning = mallocTuningWarning(process.env, glibcRuntimeVersion());
  if (mallocWarning) new Logger('AuthServer').warn(`auth-server ${mallocWarning}`);
  tokenLane.resolve({
    endpoint: app.get(TokenEndpoint, { strict: false }),
    answers: app.get(TokenAnswers, { strict: false }),
    httpMetrics: app.get(HttpMetrics, { strict: false }),
    requestCompleted: logging.requestCompleted,
    logger: new Logger('Exceptions'),
  });
  tokenLanes.set(app, tokenLane);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(adminValidationPipe());
  // No enableShutdownHooks(): it runs the hooks while requests are still in flight; main.ts and
  // the launcher stop through shutdownGracefully() (libs/operability) instead.
  setupOpenApi(app, 'Portcullis authorization server', 'OAuth 2.0 endpoints, admin API (/admin/v1), health and metrics.');
  return app;
}

export async function startAuthServer(config: AuthServerConfig): Promise<NestFastifyApplication> {
  const app = await createAuthServer(config);
  await app.listen(config.port, config.host);
  return app;
}

/** The admin login created at first start (password only when this start created it): what the launcher prints. */
export function initialAdminCredentials(app: NestFastifyApplication): InitialAdminCredentials {
  return app.get(InitialAdminService).credentials;
}
