import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllExceptionsFilter, adminValidationPipe } from '../../../libs/errors/src/index.js';
import { ResourceAppModule } from './app.module.js';
import type { ResourceServerConfig } from './config/resource-server.config.js';

export async function createResourceServer(config: ResourceServerConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ResourceAppModule.forRoot(config), new FastifyAdapter({ bodyLimit: 64 * 1024 }), {
    logger: config.logLevel === 'log' ? ['fatal', 'error', 'warn', 'log'] : [config.logLevel],
    abortOnError: false,
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(adminValidationPipe());
  app.enableShutdownHooks();
  return app;
}

export async function startResourceServer(config: ResourceServerConfig): Promise<NestFastifyApplication> {
  const app = await createResourceServer(config);
  await app.listen(config.port, config.host);
  return app;
}
