import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRoute } from '#operability/route-hooks';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { renderRefusal } from '../route-access/render-refusal.js';
import { RouteAuthorizer } from '../route-access/route-authorizer.js';
import { forwardedDescription } from './described-request.js';
import { forwardDecision } from './forward-decision.js';
import { forwardedRouteRequest } from './forwarded-route-request.js';

export const VERIFY_PATH = '/auth/verify';

/**
 * GET /auth/verify answered by a plain Fastify handler: a proxy asks it once per request it
 * forwards, and Nest's router pipeline (the four header parameters, the passthrough response,
 * the exceptions handler) cost a third more CPU than the decision itself (bench/edge.js: 37-39 µs
 * vs /api/me's 28-30 µs per request). ForwardAuthController still declares the route (OpenAPI,
 * registration, the 405 siblings) and every Fastify hook still runs (request id, context, logs,
 * metrics); only `route.handler` is swapped, in an onRoute hook added before Nest registers the
 * controllers (as the auth server's TokenRoute does). It answers what the controller did:
 * Cache-Control: no-store (refusals too), 200 with the X-Auth-* headers and no body, or the
 * refusal rendered as the app's exception filter renders it; the decision counted alike. Only
 * this form: the Envoy form (/auth/verify/*) stays with the controller. A check admitted at once
 * (a token verified before) does not even reach Fastify: VerifyLane answers it the same way.
 */
@Injectable()
export class ForwardAuthRoute {
  private readonly logger = new Logger('ForwardAuth');

  constructor(adapterHost: HttpAdapterHost, authorizer: RouteAuthorizer, metrics: RsMetrics) {
    const handler = this.handlerFor(authorizer, metrics);
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'GET', VERIFY_PATH) || isRoute(route, 'HEAD', VERIFY_PATH)) route.handler = handler;
    });
  }

  /** Synchronous for a token verified before (the common case: no promise per request). */
  private handlerFor(authorizer: RouteAuthorizer, metrics: RsMetrics) {
    const logger = this.logger;
    const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown) => void renderRefusal(logger, request, reply, error);
    const allow = (reply: FastifyReply, headers: Record<string, string>) => void reply.code(200).headers(headers).send();
    return function verify(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
      void reply.header('cache-control', 'no-store');
      try {
        const { headers } = request;
        const described = forwardedRouteRequest(forwardedDescription(headers['x-forwarded-method'], headers['x-forwarded-uri'], headers['x-original-uri']), headers, request.ip);
        const decision = forwardDecision(authorizer, metrics, described);
        if (decision instanceof Promise) {
          return decision.then(
            (authHeaders) => allow(reply, authHeaders),
            (error: unknown) => refuse(request, reply, error),
          );
        }
        allow(reply, decision);
      } catch (error) {
        refuse(request, reply, error);
      }
      return undefined;
    };
  }
}
