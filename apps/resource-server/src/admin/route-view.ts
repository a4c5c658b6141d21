import type { RouteEntry } from '../route-store/effective-routes.js';
import type { ScopeRule } from '../routes/route.js';

/** A route of the effective table as the admin API shows it: the route-file shape, normalised. */
export interface RouteView {
  id: string;
  /** "file": RESOURCE_ROUTES_FILE (read-only here); "api": added through /admin/v1/routes. */
  source: 'file' | 'api';
  match: { pathPrefix: string; methods?: readonly string[] };
  upstream: string;
  stripPrefix: boolean;
  scopes: ScopeRule;
  timeoutMs: number;
  websocket: boolean;
  /** Whether confidential clients may call the route with HTTP Basic (client id and secret). */
  clientBasic: boolean;
  /** The resource the route's tokens must be for; absent: the resource server's RESOURCE_AUDIENCE. */
  resource?: string;
  /** null for a file route. */
  createdAt: string | null;
  updatedAt: string | null;
}

export function toRouteView(entry: RouteEntry): RouteView {
  const { route } = entry;
  return {
    id: entry.id,
    source: entry.source,
    match: route.methods === undefined ? { pathPrefix: route.pathPrefix } : { pathPrefix: route.pathPrefix, methods: route.methods },
    upstream: route.upstream,
    stripPrefix: route.stripPrefix,
    scopes: route.scopes,
    timeoutMs: route.timeoutMs,
    websocket: route.websocket,
    clientBasic: route.clientBasic,
    ...(route.resource === undefined ? {} : { resource: route.resource }),
    createdAt: entry.stored?.createdAt.toISOString() ?? null,
    updatedAt: entry.stored?.updatedAt.toISOString() ?? null,
  };
}
