import type { ExceptionFilter } from '@nestjs/common';
import type { ApplicationConfig } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '#errors';

/**
 * A plain Fastify handler for an OAuth endpoint whose controller only declares the route
 * (OpenAPI, the route catalog, the 405 siblings): it does what Nest's per-request router pipeline
 * did for such a route (Cache-Control/Pragma, on errors too; 200; the answer; any exception rendered
 * by the app's global filter, the one OAuth error family), without the pipeline's guards,
 * interceptors, pipes and response controller, which were a measurable share of each request's CPU
 * on the hottest routes (docs/performance.md). Installed by swapping `route.handler` in an onRoute
 * hook (TokenRoute, IntrospectionRoute, UserinfoRoute), so every Fastify hook still runs.
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

/** The global filter bootstrap installs (useGlobalFilters); the same class when none is. */
export function globalExceptionFilter(applicationConfig: ApplicationConfig): ExceptionFilter {
  return applicationConfig.getGlobalFilters().find((filter) => filter instanceof AllExceptionsFilter) ?? FALLBACK_FILTER;
}

const FALLBACK_FILTER = new AllExceptionsFilter();
