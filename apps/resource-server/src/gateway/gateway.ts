import { Injectable, Logger } from '@nestjs/common';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from '#errors';
import { REQUEST_ID_HEADER } from '#observability';
import { labelMetricsRoute } from '#operability';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { authHeadersOf } from '../route-access/auth-headers.js';
import { RouteAuthorizer, UNMATCHED_ROUTE, type RouteAccess, type RouteRequest } from '../route-access/route-authorizer.js';
import { RequestPathRefused } from '../route-access/route-problems.js';
import { renderRefusal } from '../route-access/render-refusal.js';
import { ROUTE_METHODS, type Route } from '../routes/route.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { upstreamHeaders, withoutHopByHop } from './upstream-headers.js';
import { upstreamProblem } from './upstream-problems.js';
import { upstreamUrl } from './upstream-url.js';
import { WebSocketUpgrades } from './websocket-upgrades.js';

const NO_AUTH_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The gateway (issue 14 item 1): a request under a route of RESOURCE_ROUTES_FILE is decided on
 * by RouteAuthorizer (as /auth/verify decides) and, admitted, proxied to the route's upstream by
 * @fastify/reply-from on undici (a keep-alive pool per upstream origin), bodies streamed both
 * ways. Refusals and upstream failures render as every other error of the resource server.
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
  ) {}

  /** On the resource server's Fastify instance, before app.init() (bootstrap.ts). */
  install(fastify: FastifyInstance): void {
    this.websockets.install(fastify);
    void fastify.register(async (scope) => {
      // Bodies are the upstream's business: never parsed nor buffered here, so neither the
      // resource server's body limit nor its content types apply; the request stream is piped.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      await scope.register(replyFrom, { disableRequestLogging: true });
      const handler = (request: FastifyRequest, reply: FastifyReply) => this.forward(request, reply);
      scope.route({ method: [...ROUTE_METHODS], url: '/', handler });
      scope.route({ method: [...ROUTE_METHODS], url: '/*', handler });
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
    const described: RouteRequest = {
      method: request.method,
      target: request.url,
      authorization: headers.authorization,
      dpop: headers.dpop,
      origin: `${request.protocol}://${headers.host ?? ''}`,
      ip: request.ip,
    };
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
      this.proxy(request, reply, route, authHeaders);
    } catch (error) {
      // reply-from refuses (synchronously, 400) a path with a segment beginning with ".." or
      // ending with ".." before a "/" ("/..hidden", "/a../b"), which the route rules allow.
      if ((error as { statusCode?: number }).statusCode === 400) this.refuse(request, reply, new RequestPathRefused('the path has a segment beginning or ending with ".."'));
      else this.refuse(request, reply, error);
    }
    return undefined;
  }

  private proxy(request: FastifyRequest, reply: FastifyReply, route: Route, authHeaders: Record<string, string>): void {
    reply.from(upstreamUrl(route, request.url), {
      timeout: route.timeoutMs,
      // Never retried here: a retried POST could run twice upstream, and a retried 503 hides it.
      retryDelay: () => null,
      rewriteRequestHeaders: (incoming, headers) => {
        const passed = upstreamHeaders(headers, { ip: incoming.ip, protocol: incoming.protocol, host: incoming.headers.host }, authHeaders);
        passed[REQUEST_ID_HEADER] = String(incoming.id);
        return passed;
      },
      rewriteHeaders: (headers) => withoutHopByHop(headers),
      onError: (failed, { error }) => void renderError(request, failed as FastifyReply, upstreamProblem(error, route.timeoutMs)),
    });
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
