import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ResourceGuardOptions } from '@portcullis/nest-resource-guard';
import { AppModule } from './app.module.js';

/** The notes API, protected by the resource guard; initialised, not listening yet. */
export async function createNotesApp(guard: ResourceGuardOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.withSettings(guard), new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  await app.init();
  return app;
}

/** The guard's options from the environment (the names the resource server uses). */
export function guardOptionsFromEnv(env: NodeJS.ProcessEnv): ResourceGuardOptions {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const external = env.AUTH_SERVER_MODE === 'external';
  return {
    issuer: required('AUTH_ISSUER'),
    audience: required('RESOURCE_AUDIENCE'),
    databaseUrl: required('DATABASE_URL'),
    redisUrl: env.REDIS_URL || undefined,
    syncStream: env.SYNC_STREAM || undefined,
    mode: external ? 'external' : 'synced',
    client: env.RESOURCE_CLIENT_ID ? { clientId: env.RESOURCE_CLIENT_ID, clientSecret: required('RESOURCE_CLIENT_SECRET') } : undefined,
  };
}
