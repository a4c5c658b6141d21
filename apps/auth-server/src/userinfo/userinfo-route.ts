import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { isRoute } from '#operability/route-hooks';
import { globalExceptionFilter, plainOAuthHandler } from '../common/plain-oauth-route.js';
import { UserinfoEndpoint } from './userinfo-endpoint.js';

/**
 * GET and POST /oauth/userinfo, answered by a plain Fastify handler (plainOAuthHandler), as the
 * token and introspection routes are: a client asks once per sign-in or more, and Nest's router
 * pipeline (its app-wide admin guard and audit interceptor included, which pass such a route
 * through) cost about a third of introspection's CPU per request (docs/performance.md, "Session 18").
 * UserinfoController still declares both routes; only `route.handler` is swapped, in an onRoute
 * hook added before Nest registers the controllers. The CORS hooks (userinfo-cors.ts) still run.
 */
@Injectable()
export class UserinfoRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: UserinfoEndpoint, applicationConfig: ApplicationConfig) {
    const handler = plainOAuthHandler((request) => endpoint.handle(request), () => globalExceptionFilter(applicationConfig));
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'GET', '/oauth/userinfo') || isRoute(route, 'POST', '/oauth/userinfo')) route.handler = handler;
    });
  }
}
