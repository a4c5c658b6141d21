import type { ExceptionFilter } from '@nestjs/common';
import type { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AllExceptionsFilter } from '#errors';
import { isRoute } from '#operability/route-hooks';

/**
 * A plain Fastify handler for an OAuth endpoint whose controller only declares the route
 * (OpenAPI, the route catalog, the 405 siblings): it does what Nest's per-request router pipeline
 * did for such a route (Cache-Control/Pragma, on errors too; 200; the answer; any exception rendered
 * by the app's global filter, the one OAuth error family), without the pipeline's guards,
 * interceptors, pipes and response controller, which were a measurable share of each request's CPU
 * on the hottest routes (docs/performance.md).
 */
export function plainOAuthHandler<T>(answer: (request: FastifyRequest, reply: FastifyReply) => Promise<T>, filter: () => ExceptionFilter) {
  return async function plainOAuthRoute(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<T | FastifyReply> {
    void reply.code(200).header('cache-control', 'no-store').header('pragma', 'no-cache');
    try {
      return await answer(request, reply);
    } catch (error) {
      filter().catch(error, new ExecutionContextHost([request, reply]));
      return reply;
    }
  };
}

/**
 * Answers the routes `routes` names ([method, url] pairs) with plainOAuthHandler(answer), errors
 * through the app's global filter: `route.handler` is swapped in an onRoute hook, which must be added
 * before Nest registers the controllers (from a provider's constructor: TokenRoute,
 * IntrospectionRoute, UserinfoRoute), so every Fastify hook of the route still runs. `alsoOnRoute`
 * adds to such a route what it needs besides (TokenRoute: its answers' reporter).
 */
export function answerWithPlainHandler<T>(
  adapterHost: HttpAdapterHost,
  applicationConfig: ApplicationConfig,
  routes: readonly (readonly [method: string, url: string])[],
  answer: (request: FastifyRequest, reply: FastifyReply) => Promise<T>,
  alsoOnRoute?: (route: RouteOptions) => void,
): void {
  const handler = plainOAuthHandler(answer, () => globalExceptionFilter(applicationConfig));
  adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
    if (!routes.some(([method, url]) => isRoute(route, method, url))) return;
    route.handler = handler;
    alsoOnRoute?.(route);
  });
}

/** The global filter bootstrap installs (useGlobalFilters); the same class when none is. */
function globalExceptionFilter(applicationConfig: ApplicationConfig): ExceptionFilter {
  return applicationConfig.getGlobalFilters().find((filter) => filter instanceof AllExceptionsFilter) ?? FALLBACK_FILTER;
}

const FALLBACK_FILTER = new AllExceptionsFilter();
