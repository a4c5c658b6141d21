import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { answerWithPlainHandler } from '../common/plain-oauth-route.js';
import { UserinfoEndpoint } from './userinfo-endpoint.js';

/**
 * GET and POST /oauth/userinfo, answered by a plain Fastify handler (answerWithPlainHandler), as the
 * token and introspection routes are: a client asks once per sign-in or more, and Nest's router
 * pipeline (its app-wide admin guard and audit interceptor included, which pass such a route
 * through) cost about a third of introspection's CPU per request (docs/performance.md, "Session 18").
 * UserinfoController still declares both routes. The CORS hooks (userinfo-cors.ts) still run.
 */
@Injectable()
export class UserinfoRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: UserinfoEndpoint, applicationConfig: ApplicationConfig) {
    const routes = [['GET', '/oauth/userinfo'], ['POST', '/oauth/userinfo']] as const;
    answerWithPlainHandler(adapterHost, applicationConfig, routes, (request) => endpoint.handle(request));
  }
}
