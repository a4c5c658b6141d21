import type { Route } from '../routes/route.js';

/**
 * Where the gateway sends an admitted request: the route's upstream origin, and its path joined
 * with the request path (without the route prefix when the route strips it), plus the request's
 * query string, as undici takes them (the WebSocket upgrade joins the three into one URL). The
 * path is the one the client sent, not decoded, so that the upstream reads exactly what the
 * matcher decided on; the query string is passed on unchanged, without a fragment.
 *
 * Stripping counts segments: request-path.ts refuses an encoded '/', so the raw path and the
 * decoded path the route matched (`/%62illing/x` for `/billing`) have the same segments.
 */
export function upstreamTarget(route: Pick<Route, 'upstream' | 'pathPrefix' | 'stripPrefix'>, target: string): { origin: string; path: string; query: string } {
  const end = target.search(/[?#]/);
  const rawPath = end === -1 ? target : target.slice(0, end);
  const query = end !== -1 && target[end] === '?' ? target.slice(end, hashAt(target, end)) : '';
  const rest = route.stripPrefix ? withoutPrefix(rawPath, route.pathPrefix) : rawPath;
  const { origin, base } = upstreamOf(route);
  const path = base + rest;
  return { origin, path: path === '' ? '/' : path, query };
}

function hashAt(target: string, from: number): number {
  const hash = target.indexOf('#', from);
  return hash === -1 ? target.length : hash;
}

interface ParsedUpstream {
  upstream: string;
  origin: string;
  /** The upstream URL's path without its trailing "/": '' or '/…'. */
  base: string;
}

/** Parsed once per route object and upstream (a URL parse per proxied request showed in the profile). */
const parsed = new WeakMap<object, ParsedUpstream>();

function upstreamOf(route: Pick<Route, 'upstream'>): ParsedUpstream {
  let known = parsed.get(route);
  if (known?.upstream !== route.upstream) {
    const upstream = new URL(route.upstream);
    known = { upstream: route.upstream, origin: upstream.origin, base: upstream.pathname.endsWith('/') ? upstream.pathname.slice(0, -1) : upstream.pathname };
    parsed.set(route, known);
  }
  return known;
}

/** The raw path without as many leading segments as the prefix has: '' or '/…'. */
function withoutPrefix(rawPath: string, pathPrefix: string): string {
  if (pathPrefix === '/') return rawPath;
  const segments = pathPrefix.split('/').length - 1;
  const parts = rawPath.split('/');
  return parts.length - 1 > segments ? `/${parts.slice(segments + 1).join('/')}` : '';
}
