import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '../../../../libs/operability/src/index.js';

const TOKEN_ROUTE = '/oauth/token';
const INTROSPECTION_ROUTE = '/oauth/introspect';

/**
 * Token endpoint and introspection counters, read from the response object at the HTTP boundary
 * (Fastify's preSerialization hook) instead of inside the token and introspection code: the hot
 * path stays untouched, and errors are counted with the exact code the client received, whichever
 * layer raised them. Cost per request: a string comparison and a counter increment.
 */
@Injectable()
export class OAuthMetrics {
  constructor(adapterHost: HttpAdapterHost, metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const issued = new Counter({ name: 'oauth_tokens_issued_total', help: 'Access tokens issued at the token endpoint, by grant type', labelNames: ['grant'], registers });
    const errors = new Counter({ name: 'oauth_token_errors_total', help: 'Token endpoint error responses, by OAuth error code', labelNames: ['error'], registers });
    const introspections = new Counter({ name: 'oauth_introspections_total', help: 'Introspection answers, by result', labelNames: ['active'], registers });
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('preSerialization', (request, reply, payload, done) => {
      const route = request.routeOptions.url;
      if (route === TOKEN_ROUTE) {
        // A 200 means a registered grant handler answered, so grant_type is one of a known few.
        if (reply.statusCode === 200) issued.inc({ grant: grantOf(request) });
        else errors.inc({ error: String((payload as { error?: unknown }).error ?? 'unknown') });
      } else if (route === INTROSPECTION_ROUTE && reply.statusCode === 200) {
        introspections.inc({ active: String((payload as { active?: unknown }).active === true) });
      }
      done(null, payload);
    });
  }
}

function grantOf(request: FastifyRequest): string {
  const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
  return typeof grant === 'string' ? grant : 'unknown';
}
