import type { InProcessEventBus } from '#sync';
import type { RegistrySiblings } from './registry-siblings.js';

/** `portcullis`: tokens and the synced registry of a Portcullis auth server; `external`: any RFC 8414 / OpenID discovery server, no sync events. */
export type AuthServerMode = 'portcullis' | 'external';

/** Everything the guard reads, resolved and validated (resolveResourceGuardConfig, or the resource server's own config). */
export interface ResourceGuardConfig {
  issuer: string;
  /** Base URL for calls to the auth server (JWKS, snapshot, introspection); the issuer unless it differs. */
  authServerUrl: string;
  /** This resource's identifier: tokens must carry it in `aud`. */
  audience: string;
  redisUrl?: string;
  /** The Redis Stream events travel on. */
  syncStream: string;
  /** Consumer group: one per instance, stable across its restarts so that it resumes where it acked. */
  consumerGroup: string;
  /** Single-process mode (the launcher): events from an auth server in the same process, unsigned. */
  eventBus?: InProcessEventBus;
  /**
   * Without Redis or an in-process bus, reload the registry snapshot this often (ms) so that a
   * disabled client or a revoked grant still takes effect; undefined: never (the resource server
   * warns instead, as it always did).
   */
  snapshotPollMs?: number;
  /** The client this resource server authenticates as (snapshot, introspection). */
  client?: { clientId: string; clientSecret: string };
  tokenValidation: 'jwt' | 'introspection';
  /** Absent means portcullis. */
  authServerMode?: AuthServerMode;
  /** One of several workers on one port and one projection database (the resource server's RESOURCE_WORKERS). */
  siblings?: RegistrySiblings;
  /** RFC 9728 `scopes_supported`, when not every scope of the registry (ResourceGuardOptions.scopesSupported). */
  scopesSupported?: readonly string[];
}

export const RESOURCE_GUARD_CONFIG = Symbol('RESOURCE_GUARD_CONFIG');
