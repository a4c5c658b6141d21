import type { LaneBookkeeping } from '#operability';
import type { RsMetrics } from '../metrics/rs-metrics.js';
import type { RouteAuthorizer } from './route-authorizer.js';

/**
 * What a lane of the resource server (the gateway's, forward authentication's) needs from the
 * built app (bootstrap.ts): the decision, and what Fastify's hooks would have done for the request.
 */
export interface RouteLaneHost extends LaneBookkeeping {
  authorizer: RouteAuthorizer;
  metrics: RsMetrics;
}
