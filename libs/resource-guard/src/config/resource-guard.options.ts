import { hostname } from 'node:os';
import { DEFAULT_SYNC_STREAM } from '#sync/constants';
import { redisUrlProblem } from '#sync/redis-endpoint';
import type { InProcessEventBus } from '#sync';
import { isScopeName } from '#oauth';
import type { ResourceGuardConfig } from './resource-guard.config.js';

/** How often the registry snapshot is reloaded when no Redis URL is given (synced mode). */
export const DEFAULT_SNAPSHOT_POLL_MS = 5000;

/** ResourceGuardModule.forRoot's options: what an embedding Nest app configures. */
export interface ResourceGuardOptions {
  /** The authorization server's issuer (AUTH_ISSUER). */
  issuer: string;
  /** This API's resource identifier: tokens must name it in `aud` (RESOURCE_AUDIENCE). */
  audience: string;
  /** Where this process reaches the authorization server, when that differs from the issuer. */
  authServerUrl?: string;
  /** PostgreSQL for the synced registry (its own tables, migrated at start): the guard's own data source, never the app's. */
  databaseUrl: string;
  /** `synced` (default): a Portcullis auth server, its registry kept in step; `external`: any RFC 8414 / OpenID discovery server. */
  mode?: 'synced' | 'external';
  /** Redis carrying the auth server's signed events (synced mode); without it the registry snapshot is reloaded every `snapshotPollMs`. */
  redisUrl?: string;
  syncStream?: string;
  /** One per instance, stable across its restarts (default `guard-<hostname>`). */
  consumerGroup?: string;
  snapshotPollMs?: number;
  /** The client this API authenticates as: the registry snapshot (synced mode) and introspection. */
  client?: { clientId: string; clientSecret: string };
  tokenValidation?: 'jwt' | 'introspection';
  /** Every route needs a token unless @Public() (default true); false: only routes with @RequireScopes. forRootAsync: beside useFactory. */
  protectAllRoutes?: boolean;
  /** Render the guard's OAuth errors (401/403/503 with WWW-Authenticate) with the module's own filter (default true). forRootAsync: beside useFactory. */
  renderErrors?: boolean;
  /** Single-process embedding beside a Portcullis auth server (its in-process event bus). */
  eventBus?: InProcessEventBus;
  /**
   * The RFC 9728 document's `scopes_supported`: the scopes this API is about (default: every scope
   * of the registry). An MCP client asks for all of them when a 401 names none, and the auth
   * server refuses a scope its client does not hold.
   */
  scopesSupported?: string[];
}

/** The options checked and completed, or an Error naming what is wrong (the app fails to boot). */
export function resolveResourceGuardConfig(options: ResourceGuardOptions): ResourceGuardConfig {
  const problems: string[] = [];
  for (const [name, value] of Object.entries({ issuer: options.issuer, audience: options.audience, authServerUrl: options.authServerUrl })) {
    if (value !== undefined && !isUrl(value, ['http:', 'https:'])) problems.push(`${name} must be an http(s) URL`);
  }
  if (!isUrl(options.databaseUrl, ['postgres:', 'postgresql:'])) problems.push('databaseUrl must be a postgres:// URL');
  const redisProblem = options.redisUrl === undefined ? null : redisUrlProblem(options.redisUrl);
  if (redisProblem) problems.push(`redisUrl is not usable: ${redisProblem}`);
  const mode = options.mode ?? 'synced';
  if (mode !== 'synced' && mode !== 'external') problems.push("mode must be 'synced' or 'external'");
  if (mode === 'synced' && !options.client) problems.push('synced mode needs client (clientId, clientSecret) to load the registry snapshot');
  if (mode === 'external' && options.redisUrl) problems.push('external mode receives no sync events: leave redisUrl out');
  if (options.tokenValidation === 'introspection' && !options.client) problems.push('tokenValidation introspection needs client (clientId, clientSecret)');
  if (options.snapshotPollMs !== undefined && !(Number.isInteger(options.snapshotPollMs) && options.snapshotPollMs >= 1000))
    problems.push('snapshotPollMs must be an integer of at least 1000');
  if (options.scopesSupported !== undefined && !(Array.isArray(options.scopesSupported) && options.scopesSupported.every((scope) => typeof scope === 'string' && isScopeName(scope))))
    problems.push('scopesSupported must be a list of scope names');
  if (problems.length > 0) throw new Error(`Invalid ResourceGuardModule options: ${problems.join('; ')}`);
  return {
    issuer: options.issuer,
    authServerUrl: (options.authServerUrl ?? options.issuer).replace(/\/+$/, ''),
    audience: options.audience,
    redisUrl: options.redisUrl,
    syncStream: options.syncStream ?? DEFAULT_SYNC_STREAM,
    consumerGroup: options.consumerGroup ?? `guard-${hostname()}`,
    eventBus: options.eventBus,
    snapshotPollMs: options.redisUrl || options.eventBus ? undefined : (options.snapshotPollMs ?? DEFAULT_SNAPSHOT_POLL_MS),
    client: options.client,
    tokenValidation: options.tokenValidation ?? 'jwt',
    authServerMode: mode === 'external' ? 'external' : 'portcullis',
    scopesSupported: options.scopesSupported,
  };
}

function isUrl(value: unknown, protocols: string[]): boolean {
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
