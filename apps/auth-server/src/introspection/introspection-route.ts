import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { isRoute } from '#operability/route-hooks';
import { globalExceptionFilter, plainOAuthHandler } from '../common/plain-oauth-route.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';

/**
 * POST /oauth/introspect, answered by a plain Fastify handler (plainOAuthHandler), as the token
 * route is: a resource server in introspection mode asks once per token per cache period, its
 * replicas each, so Nest's router pipeline was paid on a hot path (docs/performance.md,
 * "Session 18"). IntrospectionController still declares the route; only `route.handler` is
 * swapped, in an onRoute hook added before Nest registers the controllers. The introspection
 * counter (OAuthMetrics) still reads every answer from its preSerialization hook.
 */
@Injectable()
export class IntrospectionRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: IntrospectionEndpoint, applicationConfig: ApplicationConfig) {
    const handler = plainOAuthHandler((request, reply) => endpoint.handle(request, reply), () => globalExceptionFilter(applicationConfig));
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'POST', '/oauth/introspect')) route.handler = handler;
    });
  }
}
