/**
 * A route rule (CONTRACT "Putting real APIs behind the resource server"): which requests it
 * covers, where they go, and what a caller needs. Forward authentication (/auth/verify) decides
 * with these rules; the gateway proxies with the same ones.
 */
export interface Route {
  /** Position in its source (the routes file, from 0), for messages: "routes[2] (/billing)". */
  index: number;
  /** Normalised: starts with '/', no trailing '/' except the root itself. */
  pathPrefix: string;
  /** Upper-case methods the route allows; undefined: every method. */
  methods?: readonly string[];
  /** Absolute http(s) URL without query or fragment. */
  upstream: string;
  /** Whether the gateway removes pathPrefix before calling the upstream (default false). */
  stripPrefix: boolean;
  scopes: ScopeRule;
  /** Upstream answer deadline (default 30000). */
  timeoutMs: number;
  /** Whether the gateway lets WebSocket upgrades through (default false). */
  websocket: boolean;
  /**
   * Whether a confidential client may call the route with HTTP Basic (its client id and secret,
   * client-basic/) instead of a token (default false; bearer tokens still work there).
   */
  clientBasic: boolean;
  /**
   * The registered resource (RFC 8707) the route serves: tokens must be issued for it (`aud`).
   * Undefined: the resource server's own RESOURCE_AUDIENCE.
   */
  resource?: string;
}

/** Who may call a route: every scope, one of them, or anyone without a token. */
export type ScopeRule = { allOf: readonly string[] } | { anyOf: readonly string[] } | 'public';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MIN_TIMEOUT_MS = 1;
export const MAX_TIMEOUT_MS = 600_000;

/** Methods a route may name; HEAD comes with GET (RFC 9110 §9.3.2). */
export const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** "routes[2] (/billing)": how messages name a route. */
export function describeRoute(route: Pick<Route, 'index' | 'pathPrefix'>): string {
  return `routes[${route.index}] (${route.pathPrefix})`;
}

/** The scopes a rule names (none for public). */
export function scopesOf(rule: ScopeRule): readonly string[] {
  if (rule === 'public') return [];
  return 'allOf' in rule ? rule.allOf : rule.anyOf;
}
