import type { IncomingHttpHeaders } from 'node:http';
import { forwardedCallerIp } from '../route-access/caller-ip.js';
import { forwardedOrigin } from '../route-access/proof-origin.js';
import { routeRequest, type RouteRequest } from '../route-access/route-authorizer.js';
import type { DescribedRequest } from './described-request.js';

/**
 * What a forward-auth check asks the authorizer (every form: X-Forwarded-*, X-Original-URI, Envoy):
 * the described request, the caller's credentials, and the client's origin and address as the
 * proxy describes them. Fields copied one by one into routeRequest(), not spread: spreading the
 * description cost /auth/verify more CPU than its decision (docs/performance.md, "Session 11").
 */
export function forwardedRouteRequest(described: DescribedRequest, headers: IncomingHttpHeaders, connectionIp: string): RouteRequest {
  return routeRequest({
    method: described.method,
    target: described.target,
    authorization: headers.authorization,
    dpop: headers.dpop,
    origin: forwardedOrigin(headers),
    ip: forwardedCallerIp(headers, connectionIp),
  });
}
