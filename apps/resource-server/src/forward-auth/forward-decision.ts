import { answeredStatus } from '#errors';
import type { RsMetrics } from '../metrics/rs-metrics.js';
import { authHeadersOf } from '../route-access/auth-headers.js';
import { UNMATCHED_ROUTE, type RouteAccess, type RouteAuthorizer, type RouteRequest } from '../route-access/route-authorizer.js';

const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Forward authentication's decision on a described request, counted by route prefix
 * (route_decisions_total): the X-Auth-* headers to answer (none for a public route), or the
 * route's refusal thrown. At once for a token verified before (RouteAuthorizer.decide), else a
 * Promise: the controller awaits it, ForwardAuthRoute answers without a promise when it can.
 */
export function forwardDecision(
  authorizer: RouteAuthorizer,
  metrics: RsMetrics,
  described: RouteRequest,
): Record<string, string> | Promise<Record<string, string>> {
  const allowed = ({ access }: RouteAccess): Record<string, string> => {
    metrics.routeDecided('forward_auth', described.routeLabel ?? UNMATCHED_ROUTE, 200);
    return access ? authHeadersOf(access) : NONE;
  };
  const refused = (error: unknown): never => {
    metrics.routeDecided('forward_auth', described.routeLabel ?? UNMATCHED_ROUTE, answeredStatus(error));
    throw error;
  };
  let decision: RouteAccess | Promise<RouteAccess>;
  try {
    decision = authorizer.decide(described);
  } catch (error) {
    return refused(error);
  }
  return decision instanceof Promise ? decision.then(allowed, refused) : allowed(decision);
}
