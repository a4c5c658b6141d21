import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { answerWithPlainHandler } from '../common/plain-oauth-route.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';

/**
 * POST /oauth/introspect, answered by a plain Fastify handler (answerWithPlainHandler), as the token
 * route is: a resource server in introspection mode asks once per token per cache period, its
 * replicas each, so Nest's router pipeline was paid on a hot path (docs/performance.md,
 * "Session 18"). IntrospectionController still declares the route. The introspection counter
 * (OAuthMetrics) still reads every answer from its preSerialization hook.
 */
@Injectable()
export class IntrospectionRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: IntrospectionEndpoint, applicationConfig: ApplicationConfig) {
    answerWithPlainHandler(adapterHost, applicationConfig, [['POST', '/oauth/introspect']], (request, reply) => endpoint.handle(request, reply));
  }
}
