import type { HttpMetrics } from '#operability';
import type { RsMetrics } from '../metrics/rs-metrics.js';
import type { RouteAuthorizer } from './route-authorizer.js';

/**
 * What a lane of the resource server (the gateway's, forward authentication's) needs from the
 * built app (bootstrap.ts): the decision, and what Fastify's hooks would have done for the request.
 */
export interface RouteLaneHost {
  authorizer: RouteAuthorizer;
  metrics: RsMetrics;
  httpMetrics: HttpMetrics;
  /** The access log's line (AppLogging.requestCompleted). */
  requestCompleted(reqId: string, method: string, url: string, status: number, ms: number, ip: string): void;
}
