import { Injectable, type ExceptionFilter } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendRouteHook, isRoute } from '#operability/route-hooks';
import { globalExceptionFilter, plainOAuthHandler } from '../common/plain-oauth-route.js';
import { TokenAnswers } from './token-answers.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * POST /oauth/token, answered by a plain Fastify handler (plainOAuthHandler): the hottest route
 * skips Nest's per-request router pipeline. TokenController still declares the route, so Nest
 * registers it (OpenAPI document, route catalog, the 405 siblings) and every Fastify hook still
 * runs: request id and logging, security headers, metrics, body parsing and its limits. Only
 * `route.handler` is swapped here, in an onRoute hook added before Nest registers the controllers
 * (as OAuthMetrics does). Every answer, whoever rendered it, is reported to TokenAnswers from a
 * preSerialization hook, as the token lane reports its own.
 */
@Injectable()
export class TokenRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: TokenEndpoint, applicationConfig: ApplicationConfig, answers: TokenAnswers) {
    const handler = tokenHandler(endpoint, () => globalExceptionFilter(applicationConfig));
    const reportAnswer = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
      answers.answered(reply.statusCode, payload, request);
      done(null, payload);
    };
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (!isRoute(route, 'POST', '/oauth/token')) return;
      route.handler = handler;
      appendRouteHook(route, 'preSerialization', reportAnswer);
    });
  }
}

export function tokenHandler(endpoint: TokenEndpoint, filter: () => ExceptionFilter) {
  return plainOAuthHandler((request) => endpoint.handle(request), filter);
}
