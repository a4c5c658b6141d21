import { availableParallelism } from 'node:os';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { IsRedisUrl, validateEnv, type RawEnv } from '#config';
import { DATABASE_POOL_MODES, type DatabasePoolMode } from '#database/pool-mode';
import { CLIENT_ID } from '#oauth';
import { DEFAULT_SYNC_STREAM, type InProcessEventBus } from '#sync';
import type { DestinationStream } from 'pino';
import { DEFAULT_PASSWORD_HASH_COST, DEFAULT_PASSWORD_HASH_QUEUE_LIMIT } from '../common/password-hashing-capacity.js';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const DB_URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['postgres', 'postgresql'] };
/** Each worker holds its own database pool (up to 20 connections): a bound against a typo. */
const MAX_WORKERS = 64;

/** Every variable the auth server reads; validated once at boot (see CONTRACT.md, configuration). */
export class AuthServerEnv {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  AUTH_PORT = 3000;

  @IsOptional()
  @IsString()
  AUTH_HOST = '127.0.0.1';

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Matches(/^[^?#]*[^/?#]$/, { message: 'AUTH_ISSUER must have no query, fragment or trailing slash' })
  AUTH_ISSUER = 'http://localhost:3000';

  @IsOptional()
  @IsUrl(DB_URL_OPTIONS, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** What DATABASE_URL leads to: a session per connection (direct, PgBouncer session mode) or per transaction (docs/pgbouncer.md). */
  @IsOptional()
  @IsIn(DATABASE_POOL_MODES)
  DATABASE_POOL_MODE: DatabasePoolMode = 'session';

  /** Named prepared statements on the hot paths; unset: on in session mode, off in transaction mode. */
  @IsOptional()
  @IsIn(['on', 'off'])
  DATABASE_PREPARED_STATEMENTS?: 'on' | 'off';

  @IsOptional()
  @IsRedisUrl()
  REDIS_URL?: string;

  /** The Redis Stream events travel on; both apps of one installation must name the same one. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9:._-]{1,200}$/, { message: 'SYNC_STREAM must be 1 to 200 letters, digits or ":._-"' })
  SYNC_STREAM = DEFAULT_SYNC_STREAM;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  RESOURCE_AUDIENCE = 'http://localhost:3001';

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID, { message: 'RESOURCE_CLIENT_ID must be URL-safe' })
  RESOURCE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  RESOURCE_CLIENT_SECRET?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[^:\s]{1,64}$/, { message: 'ADMIN_USERNAME must be 1 to 64 characters without ":" or spaces' })
  ADMIN_USERNAME = 'admin';

  @IsOptional()
  @IsString()
  @MinLength(8)
  ADMIN_PASSWORD?: string;

  /** Password hashes that may wait for a thread-pool slot; more are refused with 503 (users/password-hasher.ts). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  PASSWORD_HASH_QUEUE_LIMIT = DEFAULT_PASSWORD_HASH_QUEUE_LIMIT;

  /**
   * log2 of scrypt's work N·p for new password hashes (10 to 20; 15 = N of 2^13 in four lanes, 8 MiB per hash,
   * users/password-hasher.ts). Raise it on fast hardware; stored hashes keep their own parameters.
   * The tests run at 10.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(20)
  PASSWORD_HASH_COST = DEFAULT_PASSWORD_HASH_COST;

  /**
   * Key material (at least 32 characters) from which the key sealing the secrets of
   * client_secret_jwt clients is derived (clients/client-secret-box.ts). Unset: client_secret_jwt
   * is not offered. Changing it makes those clients' secrets unusable until regenerated.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  CLIENT_SECRET_ENCRYPTION_KEY?: string;

  /** Live pending authorization requests (GET /oauth/authorize) one IP may hold; more get 429. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTHORIZE_PENDING_PER_IP = 100;

  /** Seconds between two runs of the retention job (docs/retention.md); 0 turns it off on this instance. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  RETENTION_INTERVAL_SECONDS = 300;

  /** Rows one retention statement removes at most: each batch is its own short statement. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  RETENTION_BATCH_SIZE = 5000;

  /**
   * A resource-server instance's consumer group whose consumers have all been idle this long is
   * destroyed (sync/consumer-group-expiry.job.ts): the instance is gone for good. At least a minute,
   * far above the 1 s a running instance waits between two reads.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  SYNC_GROUP_EXPIRY_SECONDS = 7 * 86_400;

  /**
   * Auth-server processes sharing AUTH_PORT (node:cluster, main.ts). Unset: one per core with
   * DATABASE_URL, one on the embedded PGlite, which lives inside its one process.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_WORKERS)
  AUTH_WORKERS?: number;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

/** The typed configuration every auth-server provider receives. */
export interface AuthServerConfig {
  port: number;
  host: string;
  issuer: string;
  databaseUrl: string;
  /** true when the database is the embedded PGlite. */
  embeddedDatabase: boolean;
  /** DATABASE_POOL_MODE: `transaction` keeps every advisory lock inside a transaction. */
  databasePoolMode: DatabasePoolMode;
  /** DATABASE_PREPARED_STATEMENTS: whether hot-path statements are named (prepared once per connection). */
  preparedStatements: boolean;
  redisUrl?: string;
  resourceAudience: string;
  resourceClient?: { clientId: string; clientSecret: string };
  /** CLIENT_SECRET_ENCRYPTION_KEY: set, client_secret_jwt is offered (clients/client-secret-box.ts). */
  clientSecretEncryptionKey?: string;
  /** SYNC_STREAM: the Redis Stream the outbox relay publishes to (tests use their own). */
  syncStream: string;
  /** Single-process mode without Redis: the launcher passes the bus it shares with the resource server. */
  syncEventBus?: InProcessEventBus;
  admin: { username: string; password?: string };
  /** Bounds against floods from one source (README, configuration). */
  limits: { passwordHashQueue: number; pendingAuthorizationsPerIp: number };
  /** PASSWORD_HASH_COST: log2 of scrypt's work N·p for new password hashes. */
  passwordHashCost: number;
  /** AUTH_WORKERS: processes main.ts runs on one port (1: no cluster). */
  workers: number;
  /** RETENTION_INTERVAL_SECONDS (0: off) and RETENTION_BATCH_SIZE. */
  retention: { intervalSeconds: number; batchSize: number };
  /** SYNC_GROUP_EXPIRY_SECONDS: a consumer group idle this long is destroyed (checked at the retention interval). */
  syncGroupExpirySeconds: number;
  logLevel: AuthServerEnv['LOG_LEVEL'];
  /** Where JSON log lines go (default stdout); tests pass a stream to inspect them. */
  logDestination?: DestinationStream;
}

export const AUTH_SERVER_CONFIG = Symbol('AUTH_SERVER_CONFIG');

/**
 * Reads and validates the environment. `overrides` lets the launcher and the tests supply what
 * they computed (the embedded database URL, a free port) without touching process.env.
 */
export function loadAuthServerConfig(env: RawEnv = process.env, overrides: Partial<AuthServerConfig> = {}): AuthServerConfig {
  const parsed = validateEnv(AuthServerEnv, env);
  const databaseUrl = overrides.databaseUrl ?? parsed.DATABASE_URL;
  if (!databaseUrl) throw new Error('Invalid configuration: DATABASE_URL is required (or start through the embedded launcher: npm start)');
  const hasClientId = Boolean(parsed.RESOURCE_CLIENT_ID);
  if (hasClientId !== Boolean(parsed.RESOURCE_CLIENT_SECRET)) {
    throw new Error('Invalid configuration: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must be set together');
  }
  const embeddedDatabase = overrides.embeddedDatabase ?? false;
  if (embeddedDatabase && (parsed.AUTH_WORKERS ?? 1) > 1) {
    throw new Error('Invalid configuration: AUTH_WORKERS must be 1 on the embedded database (PGlite lives in one process); set DATABASE_URL');
  }
  return {
    port: parsed.AUTH_PORT,
    host: parsed.AUTH_HOST,
    issuer: parsed.AUTH_ISSUER,
    databaseUrl,
    embeddedDatabase: false,
    databasePoolMode: parsed.DATABASE_POOL_MODE,
    preparedStatements: preparedStatementsOn(parsed),
    redisUrl: parsed.REDIS_URL,
    syncStream: parsed.SYNC_STREAM,
    resourceAudience: parsed.RESOURCE_AUDIENCE,
    resourceClient: hasClientId ? { clientId: parsed.RESOURCE_CLIENT_ID!, clientSecret: parsed.RESOURCE_CLIENT_SECRET! } : undefined,
    ...(parsed.CLIENT_SECRET_ENCRYPTION_KEY ? { clientSecretEncryptionKey: parsed.CLIENT_SECRET_ENCRYPTION_KEY } : {}),
    admin: { username: parsed.ADMIN_USERNAME, password: parsed.ADMIN_PASSWORD },
    limits: { passwordHashQueue: parsed.PASSWORD_HASH_QUEUE_LIMIT, pendingAuthorizationsPerIp: parsed.AUTHORIZE_PENDING_PER_IP },
    passwordHashCost: parsed.PASSWORD_HASH_COST,
    workers: parsed.AUTH_WORKERS ?? (embeddedDatabase ? 1 : availableParallelism()),
    retention: { intervalSeconds: parsed.RETENTION_INTERVAL_SECONDS, batchSize: parsed.RETENTION_BATCH_SIZE },
    syncGroupExpirySeconds: parsed.SYNC_GROUP_EXPIRY_SECONDS,
    logLevel: parsed.LOG_LEVEL,
    ...overrides,
  };
}

/** A transaction pooler (PgBouncer 1.18) does not keep a named statement past its transaction. */
function preparedStatementsOn(parsed: AuthServerEnv): boolean {
  return (parsed.DATABASE_PREPARED_STATEMENTS ?? (parsed.DATABASE_POOL_MODE === 'transaction' ? 'off' : 'on')) === 'on';
}
