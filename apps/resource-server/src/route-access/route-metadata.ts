import { resourceMetadataUrl } from '#resource-guard';
import type { Route } from '../routes/route.js';

/**
 * Where a route's RFC 9728 document is (CONTRACT "Precisions", Gateway): under the resource
 * server's origin at /.well-known/oauth-protected-resource/<prefix>; the root route's is the
 * resource server's own document. Memoized per route object (routes are replaced, never mutated).
 */
const urls = new WeakMap<Route, string>();

export function routeMetadataUrl(audience: string, route: Route): string {
  let url = urls.get(route);
  if (url === undefined) {
    url = route.pathPrefix === '/' ? resourceMetadataUrl(audience) : `${new URL(audience).origin}/.well-known/oauth-protected-resource${route.pathPrefix}`;
    urls.set(route, url);
  }
  return url;
}
