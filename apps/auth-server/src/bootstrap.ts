import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter, adminValidationPipe } from '../../../libs/errors/src/index.js';
import { AppModule } from './app.module.js';
import type { AuthServerConfig } from './config/auth-server.config.js';

/** Request bodies above this are refused before parsing. */
// maxParamLength: long path segments reach our validation (a clean 404) instead of a bare 414.
const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds the auth server exactly as production runs it; main.ts, the launcher and e2e tests share it. */
export async function createAuthServer(config: AuthServerConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: false, return503OnClosing: true, routerOptions: { maxParamLength: 1024 } });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: config.logLevel === 'log' ? ['fatal', 'error', 'warn', 'log'] : [config.logLevel],
    abortOnError: false,
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(adminValidationPipe());
  app.enableShutdownHooks();
  return app;
}

export async function startAuthServer(config: AuthServerConfig): Promise<NestFastifyApplication> {
  const app = await createAuthServer(config);
  await app.listen(config.port, config.host);
  return app;
}
