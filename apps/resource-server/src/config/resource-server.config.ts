import { availableParallelism } from 'node:os';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { IsRedisUrl, validateEnv, type RawEnv } from '#config';
import { DATABASE_POOL_MODES, type DatabasePoolMode } from '#database/pool-mode';
import { DEFAULT_SYNC_STREAM } from '#sync/constants';
import type { DestinationStream } from 'pino';
import type { AuthServerMode } from '#resource-guard';
import { describeRoute, type Route } from '../routes/route.js';
import { loadRoutesFile } from '../routes/route-file.js';

const MAX_WORKERS = 64;
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Every variable the resource server reads; validated once at boot. */
export class ResourceServerEnv {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  RESOURCE_PORT = 3001;

  @IsOptional()
  @IsString()
  RESOURCE_HOST = '127.0.0.1';

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  AUTH_ISSUER = 'http://localhost:3000';

  /** Where this process reaches the auth server (JWKS, snapshot, introspection) when that differs from the issuer, e.g. inside a container network. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  AUTH_SERVER_URL?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  RESOURCE_AUDIENCE = 'http://localhost:3001';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['postgres', 'postgresql'] }, { message: 'RESOURCE_DATABASE_URL must be a postgres:// URL' })
  RESOURCE_DATABASE_URL?: string;

  /** What RESOURCE_DATABASE_URL leads to: a session per connection (direct, PgBouncer session mode) or per transaction (docs/pgbouncer.md). */
  @IsOptional()
  @IsIn(DATABASE_POOL_MODES)
  RESOURCE_DATABASE_POOL_MODE: DatabasePoolMode = 'session';

  @IsOptional() @IsRedisUrl()
  REDIS_URL?: string;

  /** The Redis Stream events travel on; both apps of one installation must name the same one. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9:._-]{1,200}$/, { message: 'SYNC_STREAM must be 1 to 200 letters, digits or ":._-"' })
  SYNC_STREAM = DEFAULT_SYNC_STREAM;

  @IsOptional()
  @IsString()
  RESOURCE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  RESOURCE_CLIENT_SECRET?: string;

  /** `external`: any authorization server publishing RFC 8414 / OpenID discovery metadata at AUTH_ISSUER; no sync events. */
  @IsOptional()
  @IsIn(['portcullis', 'external'])
  AUTH_SERVER_MODE: AuthServerMode = 'portcullis';

  @IsOptional()
  @IsIn(['jwt', 'introspection'])
  TOKEN_VALIDATION: 'jwt' | 'introspection' = 'jwt';

  /** Route rules for forward authentication (and the gateway): YAML, or JSON for a .json file. */
  @IsOptional()
  @IsString()
  RESOURCE_ROUTES_FILE?: string;

  /**
   * Processes serving RESOURCE_PORT (node:cluster): one event loop carries about one core of gateway
   * traffic. Unset: one per core when REDIS_URL is set (the workers share the DPoP replay store and
   * the events there), else one (defaultWorkers).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_WORKERS)
  RESOURCE_WORKERS?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export interface ResourceServerConfig {
  port: number;
  host: string;
  issuer: string;
  /** Base URL for calls to the auth server; the issuer unless AUTH_SERVER_URL says otherwise. */
  authServerUrl: string;
  audience: string;
  databaseUrl: string;
  embeddedDatabase: boolean;
  /** RESOURCE_DATABASE_POOL_MODE: `transaction` takes the migrations' lock inside a transaction. */
  databasePoolMode: DatabasePoolMode;
  redisUrl?: string;
  /** SYNC_STREAM: the Redis Stream to read. */
  syncStream: string;
  client?: { clientId: string; clientSecret: string };
  tokenValidation: 'jwt' | 'introspection';
  /** AUTH_SERVER_MODE; absent means portcullis. */
  authServerMode?: AuthServerMode;
  logLevel: ResourceServerEnv['LOG_LEVEL'];
  /** RESOURCE_WORKERS: processes main.ts runs on one port (1: no cluster). */
  workers: number;
  /** RESOURCE_ROUTES_FILE's routes, validated (none without the file). */
  routes: readonly Route[];
  /** Where JSON log lines go (default stdout); tests pass a stream to inspect them. */
  logDestination?: DestinationStream;
}

export const RESOURCE_SERVER_CONFIG = Symbol('RESOURCE_SERVER_CONFIG');

export function loadResourceServerConfig(env: RawEnv = process.env, overrides: Partial<ResourceServerConfig> = {}): ResourceServerConfig {
  const parsed = validateEnv(ResourceServerEnv, env);
  const databaseUrl = overrides.databaseUrl ?? parsed.RESOURCE_DATABASE_URL;
  if (!databaseUrl) throw new Error('Invalid configuration: RESOURCE_DATABASE_URL is required (or start through the embedded launcher: npm start)');
  if (Boolean(parsed.RESOURCE_CLIENT_ID) !== Boolean(parsed.RESOURCE_CLIENT_SECRET)) {
    throw new Error('Invalid configuration: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must be set together');
  }
  if (parsed.AUTH_SERVER_MODE === 'external') assertExternalModeConfig(env, parsed);
  if ((parsed.RESOURCE_WORKERS ?? 1) > 1 && !parsed.REDIS_URL) {
    throw new Error(
      'Invalid configuration: RESOURCE_WORKERS above 1 needs REDIS_URL: the workers share the DPoP proof replay store there, and one of them reads the events for all',
    );
  }
  const routes = parsed.RESOURCE_ROUTES_FILE ? loadRoutesFile(parsed.RESOURCE_ROUTES_FILE) : [];
  if (parsed.AUTH_SERVER_MODE === 'external') assertNoClientBasic(routes);
  return {
    port: parsed.RESOURCE_PORT,
    host: parsed.RESOURCE_HOST,
    issuer: parsed.AUTH_ISSUER,
    authServerUrl: (parsed.AUTH_SERVER_URL ?? parsed.AUTH_ISSUER).replace(/\/+$/, ''),
    audience: parsed.RESOURCE_AUDIENCE,
    databaseUrl,
    embeddedDatabase: false,
    databasePoolMode: parsed.RESOURCE_DATABASE_POOL_MODE,
    redisUrl: parsed.REDIS_URL,
    syncStream: parsed.SYNC_STREAM,
    client: parsed.RESOURCE_CLIENT_ID ? { clientId: parsed.RESOURCE_CLIENT_ID, clientSecret: parsed.RESOURCE_CLIENT_SECRET! } : undefined,
    tokenValidation: parsed.TOKEN_VALIDATION,
    authServerMode: parsed.AUTH_SERVER_MODE,
    logLevel: parsed.LOG_LEVEL,
    workers: parsed.RESOURCE_WORKERS ?? defaultWorkers(parsed.REDIS_URL, overrides.embeddedDatabase ?? false),
    routes,
    ...overrides,
  };
}

/**
 * Basic client credentials are checked against Portcullis's registry and introspection endpoint:
 * another authorization server's clients are not synced here.
 */
function assertNoClientBasic(routes: readonly Route[]): void {
  const named = routes.filter((route) => route.clientBasic).map(describeRoute);
  if (named.length > 0) throw new Error(`Invalid configuration: AUTH_SERVER_MODE=external cannot check client credentials: remove clientBasic from ${named.join(', ')}`);
}

/**
 * External mode reads the authorization server's metadata at AUTH_ISSUER, so the issuer has no
 * default there; Redis carries Portcullis's signed events, which no other server writes.
 */
function assertExternalModeConfig(env: RawEnv, parsed: ResourceServerEnv): void {
  if (!env.AUTH_ISSUER)
    throw new Error(
      'Invalid configuration: AUTH_SERVER_MODE=external requires AUTH_ISSUER (the authorization server publishing RFC 8414 or OpenID discovery metadata)',
    );
  if (parsed.REDIS_URL) throw new Error('Invalid configuration: AUTH_SERVER_MODE=external receives no sync events: unset REDIS_URL');
  if (parsed.TOKEN_VALIDATION === 'introspection' && !parsed.RESOURCE_CLIENT_ID) {
    throw new Error(
      'Invalid configuration: TOKEN_VALIDATION=introspection requires RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET (the client this resource server introspects as)',
    );
  }
}

/**
 * RESOURCE_WORKERS when unset: every core, as AUTH_WORKERS does, where a pool can run. A pool needs
 * Redis (its workers share the DPoP proof replay store, and one reads the events for all) and the
 * standalone server (the launcher's embedded databases live in its one process).
 */
function defaultWorkers(redisUrl: string | undefined, embeddedDatabase: boolean): number {
  return redisUrl && !embeddedDatabase ? availableParallelism() : 1;
}
