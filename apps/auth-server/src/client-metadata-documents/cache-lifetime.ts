import type { IncomingHttpHeaders } from 'node:http';

/** Bounds on how long a fetched document is trusted, whatever its caching headers say. */
export const MIN_CACHE_SECONDS = 30;
export const MAX_CACHE_SECONDS = 24 * 60 * 60;
/** No caching header at all. */
export const DEFAULT_CACHE_SECONDS = 5 * 60;

/**
 * How long a document may be reused (RFC 9111 §4.2.1, simplified for one private cache):
 * `no-store`/`no-cache` and `max-age`/`s-maxage` from Cache-Control, else Expires against Date
 * (or now), else the default; then clamped to [MIN, MAX]. The minimum holds even for no-store:
 * without it, every authorization request would be one outgoing fetch an attacker can trigger.
 */
export function cacheLifetimeSeconds(headers: IncomingHttpHeaders, now: number): number {
  return Math.min(MAX_CACHE_SECONDS, Math.max(MIN_CACHE_SECONDS, declaredLifetime(headers, now)));
}

function declaredLifetime(headers: IncomingHttpHeaders, now: number): number {
  const directives = (headers['cache-control'] ?? '').toLowerCase().split(',').map((part) => part.trim());
  if (directives.some((directive) => directive === 'no-store' || directive === 'no-cache')) return 0;
  const maxAge = directives.find((directive) => directive.startsWith('s-maxage=')) ?? directives.find((directive) => directive.startsWith('max-age='));
  if (maxAge !== undefined) {
    const seconds = Number(maxAge.slice(maxAge.indexOf('=') + 1));
    return Number.isInteger(seconds) && seconds >= 0 ? seconds : 0;
  }
  const expires = headers.expires;
  if (expires !== undefined) {
    const at = Date.parse(expires);
    if (Number.isNaN(at)) return 0; // RFC 9111 §5.3: an invalid Expires means already expired.
    const date = headers.date !== undefined ? Date.parse(headers.date) : NaN;
    return Math.max(0, Math.floor((at - (Number.isNaN(date) ? now : date)) / 1000));
  }
  return DEFAULT_CACHE_SECONDS;
}
