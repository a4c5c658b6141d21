import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { acceptOrGenerateRequestId, REQUEST_ID_HEADER } from '#observability';
import { HostedLane, laneRequestCompleted } from '#operability';
import { authHeadersOf } from '../route-access/auth-headers.js';
import type { RouteLaneHost } from '../route-access/lane-host.js';
import { routeRequest } from '../route-access/route-authorizer.js';
import type { UpstreamForwarder } from './upstream-forwarder.js';

/** What the lane needs from the built app (bootstrap.ts). */
export interface GatewayLaneHost extends RouteLaneHost {
  forwarder: UpstreamForwarder;
}

/** Marks the gateway's own catch-all routes (gateway.ts), which the lane stands in front of. */
export const GATEWAY_ROUTE_CONFIG = 'portcullis:gateway-route';

const NO_AUTH_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** A path of unreserved characters and '/' only: read alike by Node, Fastify's router and the route matcher. */
const PLAIN_PATH = /^\/[\w\-.~/]*$/;

/**
 * The gateway's fast lane: an admitted request that needs nothing more is forwarded straight from
 * Node's HTTP server, before Fastify builds its request and reply, runs its hooks and routes to the
 * gateway's catch-all. Why: the gateway is what a proxied API pays on every call, and that pipeline
 * was ~15% of the resource server's CPU per proxied GET in paired bench runs (docs/performance.md,
 * "Session 11"). It runs from Fastify's documented `serverFactory` option (laneServerFactory, in
 * bootstrap.ts, after forward authentication's lane): the server is Node's, the handler Fastify's
 * for everything else.
 *
 * The lane takes only what it answers exactly as the catch-all would: a plain path (PLAIN_PATH)
 * whose first segment none of the resource server's own routes uses (they win over a route
 * prefix), GET/HEAD or a method without a body, no Upgrade and no DPoP proof, and a decision the
 * authorizer gives at once without spending anything (RouteAuthorizer.admittedAtOnce: a public
 * route, or a Bearer token verified before and admitted now). Everything else (each refusal, a
 * token's first request, DPoP, Basic, bodies, WebSockets, the server closing) goes to Fastify, which
 * decides again from the start. What the hooks did for such a request the lane does: the request
 * id (accepted or made, echoed, sent upstream), the access-log line, the HTTP latency histogram and
 * the route-decision counter, both labelled by the route's prefix.
 */
export class GatewayLane extends HostedLane<GatewayLaneHost> {
  /** First path segments of the resource server's own routes ('health', 'admin', 'api', …). */
  private readonly ownSegments = new Set<string>();
  /** A route of its own with a parametric or wildcard first segment: the lane stands aside. */
  private ownsEverything = false;

  /** Before Nest registers its routes: learns their first segments; from the start of close(), stands aside (Fastify answers 503). */
  override install(fastify: FastifyInstance): void {
    super.install(fastify);
    fastify.addHook('onRoute', (route) => {
      if ((route.config as Record<string, unknown> | undefined)?.[GATEWAY_ROUTE_CONFIG] === true) return;
      const segment = firstSegment(route.url ?? route.path ?? '/');
      if (segment === '' || segment.startsWith(':') || segment.includes('*')) this.ownsEverything = true;
      else this.ownSegments.add(segment);
    });
  }

  /** True when the lane took the request (it answers it, whatever happens); false for Fastify's handler. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const host = this.openHost;
    if (host === undefined || this.ownsEverything) return false;
    const method = req.method ?? '';
    const url = req.url ?? '';
    const { headers } = req;
    if (headers.upgrade !== undefined || !bodiless(method, req)) return false;
    const pathEnd = pathEndOf(url);
    const path = pathEnd === url.length ? url : url.slice(0, pathEnd);
    if (!PLAIN_PATH.test(path) || this.ownSegments.has(firstSegment(path))) return false;
    const described = routeRequest({ method, target: url, authorization: headers.authorization, dpop: headers.dpop });
    const admitted = host.authorizer.admittedAtOnce(described);
    if (admitted === undefined) return false;
    const started = performance.now();
    const requestId = acceptOrGenerateRequestId(headers[REQUEST_ID_HEADER]);
    const ip = req.socket.remoteAddress ?? '';
    const routeLabel = admitted.route.pathPrefix;
    const answered = { started, requestId, method, routeLabel, url, ip };
    const call = {
      route: admitted.route,
      authHeaders: admitted.access ? authHeadersOf(admitted.access) : NO_AUTH_HEADERS,
      requestId,
      ip,
      protocol: (req.socket as TLSSocket).encrypted ? ('https' as const) : ('http' as const),
    };
    try {
      host.forwarder.forwardRaw(req, res, call, (status) => laneRequestCompleted(host, answered, status));
    } catch {
      // Refused before anything was sent (a path the forwarder will not pass on): Fastify renders it.
      return false;
    }
    host.metrics.routeDecided('gateway', routeLabel, 200);
    return true;
  }
}

/** GET and HEAD (Fastify never reads their bodies), or another method sent without a body. */
function bodiless(method: string, req: IncomingMessage): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  const { headers } = req;
  return headers['content-type'] === undefined && headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0');
}

function pathEndOf(url: string): number {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return i;
  }
  return url.length;
}

/** 'admin' of '/admin/v1/routes'; '' of '/'. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}
