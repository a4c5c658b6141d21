import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { acceptOrGenerateRequestId, REQUEST_ID_HEADER } from '#observability';
import { HostedLane, laneRequestCompleted, workerIdentityHeaders } from '#operability';
import { authHeadersOf } from '../route-access/auth-headers.js';
import type { RouteLaneHost } from '../route-access/lane-host.js';
import { forwardedDescription } from './described-request.js';
import { VERIFY_PATH } from './forward-auth-route.js';
import { forwardedRouteRequest } from './forwarded-route-request.js';

/** In a RESOURCE_WORKERS pool: the worker's id, which the lane's answers name as Fastify's do. */
const WORKER_HEADERS = workerIdentityHeaders();

/**
 * Forward authentication's lane: `GET /auth/verify` admitted at once (a public route, or a Bearer
 * token verified before and admitted now) is answered from Node's HTTP server, before Fastify
 * builds its request and reply, routes, and runs its hooks. Why: a proxy (nginx auth_request,
 * Traefik ForwardAuth) asks this once per request it forwards, so the check is the cost every
 * proxied call pays; the hooks and the router were most of it for a decision that is a few map
 * reads (issue 14: the check at least at the rate of the resource server's own /api/me).
 *
 * It takes only what ForwardAuthRoute would answer 200 without awaiting anything: exactly GET on
 * this path (no query, no Upgrade), a well-formed description (X-Forwarded-Method with
 * X-Forwarded-Uri or X-Original-URI), and RouteAuthorizer.admittedAtOnce's admission, which spends
 * and counts nothing when it declines. Everything else (each refusal, a bad description, a token's
 * first check, DPoP, Basic credentials, HEAD, the Envoy form, the server closing) goes to Fastify,
 * which decides again from the start. The answer is ForwardAuthRoute's: 200, Cache-Control:
 * no-store, the X-Auth-* headers, no body; and what the hooks did, the lane does: the request id
 * (accepted or made, echoed), the worker header, the access-log line, the latency histogram under
 * the route pattern, and the route decision counted as forward authentication's.
 */
export class VerifyLane extends HostedLane<RouteLaneHost> {
  /** True when the lane answered the request; false for Fastify's handler. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const host = this.openHost;
    if (host === undefined || req.url !== VERIFY_PATH || req.method !== 'GET') return false;
    const { headers } = req;
    if (headers.upgrade !== undefined) return false;
    const started = performance.now();
    const ip = req.socket.remoteAddress ?? '';
    let admitted;
    try {
      const described = forwardedDescription(headers['x-forwarded-method'], headers['x-forwarded-uri'], headers['x-original-uri']);
      admitted = host.authorizer.admittedAtOnce(forwardedRouteRequest(described, headers, ip));
    } catch {
      // A description refused: Fastify renders the 400.
      return false;
    }
    if (admitted === undefined) return false;
    const requestId = acceptOrGenerateRequestId(headers[REQUEST_ID_HEADER]);
    const answer = {
      [REQUEST_ID_HEADER]: requestId,
      ...WORKER_HEADERS,
      'cache-control': 'no-store',
      ...(admitted.access && authHeadersOf(admitted.access)),
      'content-length': '0',
    };
    res.writeHead(200, answer).end();
    host.metrics.routeDecided('forward_auth', admitted.route.pathPrefix, 200);
    laneRequestCompleted(host, { started, requestId, method: 'GET', routeLabel: VERIFY_PATH, url: VERIFY_PATH, ip }, 200);
    return true;
  }
}
