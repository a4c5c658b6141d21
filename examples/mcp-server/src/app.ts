import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ResourceGuardModule, type ResourceGuardOptions } from '@portcullis/nest-resource-guard';
import { McpController } from './mcp.controller.js';
import { MCP_SCOPE } from './mcp-server.js';

@Module({})
class AppModule {
  static withGuard(guard: ResourceGuardOptions): DynamicModule {
    // The RFC 9728 document advertises only this server's scope: an MCP client asks for every
    // scope listed there, and the auth server refuses a scope its client does not hold.
    return { module: AppModule, imports: [ResourceGuardModule.forRoot({ scopesSupported: [MCP_SCOPE], ...guard })], controllers: [McpController] };
  }
}

/** The MCP server behind the resource guard; initialised, not listening yet. */
export async function createMcpApp(guard: ResourceGuardOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.withGuard(guard), new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.init();
  return app;
}

/**
 * The guard's options from the environment. RESOURCE_AUDIENCE is this server's public URL without
 * a path (e.g. http://localhost:3003): the `aud` its tokens carry, the `resource` an MCP client
 * asks for, and the origin of its RFC 9728 document.
 */
export function guardOptionsFromEnv(env: NodeJS.ProcessEnv): ResourceGuardOptions {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  return {
    issuer: required('AUTH_ISSUER'),
    audience: required('RESOURCE_AUDIENCE'),
    databaseUrl: required('DATABASE_URL'),
    redisUrl: env.REDIS_URL || undefined,
    syncStream: env.SYNC_STREAM || undefined,
    client: { clientId: required('RESOURCE_CLIENT_ID'), clientSecret: required('RESOURCE_CLIENT_SECRET') },
  };
}
