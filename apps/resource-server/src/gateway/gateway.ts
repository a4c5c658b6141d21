import { Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { labelMetricsRoute } from '#operability';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { authHeadersOf } from '../route-access/auth-headers.js';
import { RouteAuthorizer, routeRequest, UNMATCHED_ROUTE, type RouteAccess, type RouteRequest } from '../route-access/route-authorizer.js';
import { renderRefusal } from '../route-access/render-refusal.js';
import { ROUTE_METHODS } from '../routes/route.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { GATEWAY_ROUTE_CONFIG } from './gateway-lane.js';
import { UpstreamForwarder } from './upstream-forwarder.js';
import { WebSocketUpgrades } from './websocket-upgrades.js';

const NO_AUTH_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The gateway (issue 14 item 1): a request under a route of RESOURCE_ROUTES_FILE is decided on
 * by RouteAuthorizer (as /auth/verify decides) and, admitted, proxied to the route's upstream by
 * UpstreamForwarder (undici, a keep-alive pool per upstream origin), bodies streamed both ways.
 * Refusals and upstream failures render as every other error of the resource server.
 *
 * It is the Fastify catch-all (`/*`), so the resource server's own routes (/health, /metrics,
 * /admin, /.well-known, /api, /auth/verify, /docs) win over a route prefix; only what none of
 * them serves reaches the route rules. Without routes (none in the file, none added through the
 * admin API yet) a path the resource server does not serve stays its plain 404.
 */
@Injectable()
export class Gateway {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly authorizer: RouteAuthorizer,
    private readonly matcher: RouteMatcher,
    private readonly websockets: WebSocketUpgrades,
    private readonly metrics: RsMetrics,
    private readonly upstream: UpstreamForwarder,
  ) {}

  /** On the resource server's Fastify instance, before app.init() (bootstrap.ts). */
  install(fastify: FastifyInstance): void {
    this.websockets.install(fastify);
    void fastify.register((scope, _options, registered) => {
      // Bodies are the upstream's business: never parsed nor buffered here, so neither the
      // resource server's body limit nor its content types apply; the request stream is piped.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      const handler = (request: FastifyRequest, reply: FastifyReply) => this.forward(request, reply);
      // Marked for the lane in front (gateway-lane.ts), which learns the server's own paths from every other route.
      const config = { [GATEWAY_ROUTE_CONFIG]: true };
      scope.route({ method: [...ROUTE_METHODS], url: '/', handler, config });
      scope.route({ method: [...ROUTE_METHODS], url: '/*', handler, config });
      registered();
    });
  }

  /**
   * Nothing (undefined) once the request is refused or handed to the proxy, which answers later:
   * for a token verified before (every request after a token's first) no promise is made and
   * Fastify waits on no reply (a returned reply is awaited until the response ends). A promise of
   * the reply only while a token is verified.
   */
  private forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> | FastifyReply | undefined {
    // Routes come and go through the admin API: without any, a path stays the plain 404.
    if (this.matcher.routes.length === 0) {
      labelMetricsRoute(request, UNMATCHED_ROUTE);
      reply.callNotFound();
      return undefined;
    }
    const { headers } = request;
    const described = routeRequest({
      method: request.method,
      target: request.url,
      authorization: headers.authorization,
      dpop: headers.dpop,
      origin: `${request.protocol}://${headers.host ?? ''}`,
      ip: request.ip,
    });
    let decision: RouteAccess | Promise<RouteAccess>;
    try {
      decision = this.authorizer.decide(described);
    } catch (error) {
      this.refuse(request, reply, error);
      this.decided(request, described, reply.statusCode);
      return undefined;
    }
    if (decision instanceof Promise) {
      return decision.then(
        (admitted) => this.pass(request, reply, described, admitted) ?? reply,
        (error: unknown) => {
          this.refuse(request, reply, error);
          this.decided(request, described, reply.statusCode);
          return reply;
        },
      );
    }
    return this.pass(request, reply, described, decision);
  }

  /** An admitted request: a WebSocket handshake (its reply, hijacked or refused) or proxied. */
  private pass(request: FastifyRequest, reply: FastifyReply, described: RouteRequest, { route, access }: RouteAccess): FastifyReply | undefined {
    this.decided(request, described, 200);
    const authHeaders = access ? authHeadersOf(access) : NO_AUTH_HEADERS;
    if (this.websockets.isUpgrade(request)) return this.websockets.proxy(request, reply, route, authHeaders);
    try {
      this.upstream.forward(request, reply, route, authHeaders);
    } catch (error) {
      this.refuse(request, reply, error);
    }
    return undefined;
  }

  /** Labels the request's metrics by its route's prefix (bounded by the route table), not by the catch-all's "/*". */
  private decided(request: FastifyRequest, described: RouteRequest, status: number): void {
    const route = described.routeLabel ?? UNMATCHED_ROUTE;
    labelMetricsRoute(request, route);
    this.metrics.routeDecided('gateway', route, status);
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
    return renderRefusal(this.logger, request, reply, error);
  }
}
