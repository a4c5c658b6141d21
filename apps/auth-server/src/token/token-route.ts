import { Injectable, type ExceptionFilter } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '#errors';
import { appendRouteHook, isRoute } from '#operability/route-hooks';
import type { TokenResponse } from '../tokens/token-response.js';
import { TokenAnswers } from './token-answers.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * POST /oauth/token, answered by a plain Fastify handler: the hottest route skips Nest's
 * per-request router pipeline (guards, interceptors and pipes it has none of, the response
 * controller, the exceptions handler), which was a measurable share of each token's CPU.
 * TokenController still declares the route, so Nest registers it (OpenAPI document, route
 * catalog, the 405 siblings) and every Fastify hook still runs: request id and logging, security
 * headers, metrics, body parsing and its limits. Only `route.handler` is swapped here, in an
 * onRoute hook added before Nest registers the controllers (as OAuthMetrics does), and it does
 * what Nest's did for this route: Cache-Control/Pragma (on errors too), 200, the endpoint's
 * JSON, and any exception rendered by the app's global filter (the one OAuth error family). Every
 * answer, whoever rendered it, is reported to TokenAnswers from a preSerialization hook, as the
 * token lane reports its own.
 */
@Injectable()
export class TokenRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: TokenEndpoint, applicationConfig: ApplicationConfig, answers: TokenAnswers) {
    const handler = tokenHandler(endpoint, () => exceptionFilter(applicationConfig));
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
  return async function token(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<TokenResponse | FastifyReply> {
    void reply.code(200).header('cache-control', 'no-store').header('pragma', 'no-cache');
    try {
      return await endpoint.handle(request);
    } catch (error) {
      filter().catch(error, new ExecutionContextHost([request, reply]));
      return reply;
    }
  };
}

/** The global filter bootstrap installs (useGlobalFilters); the same class when none is. */
function exceptionFilter(applicationConfig: ApplicationConfig): ExceptionFilter {
  return applicationConfig.getGlobalFilters().find((filter) => filter instanceof AllExceptionsFilter) ?? FALLBACK_FILTER;
}

const FALLBACK_FILTER = new AllExceptionsFilter();
