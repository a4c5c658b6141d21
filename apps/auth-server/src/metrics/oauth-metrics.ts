import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '#operability';
import { appendRouteHook, isRoute } from '#operability/route-hooks';
import { TokenAnswers, type TokenAnswerListener } from '../token/token-answers.js';

type PayloadHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => void;

/**
 * Token endpoint and introspection counters, read from the answer at the HTTP boundary (a
 * preSerialization hook attached to those two routes only) instead of inside the token and
 * introspection code: the hot path stays untouched, other routes pay nothing, and errors are
 * counted with the exact code the client received, whichever layer raised them.
 */
@Injectable()
export class OAuthMetrics implements TokenAnswerListener {
  /** One answer of the token endpoint, counted (TokenAnswers: from the route or the token lane). */
  readonly tokenAnswered: (status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>) => void;

  constructor(adapterHost: HttpAdapterHost, metrics: MetricsRegistry, answers: TokenAnswers) {
    const registers = [metrics.registry];
    const issued = new Counter({
      name: 'oauth_tokens_issued_total',
      help: 'Access tokens issued at the token endpoint, by grant type',
      labelNames: ['grant'],
      registers,
    });
    const errors = new Counter({
      name: 'oauth_token_errors_total',
      help: 'Token endpoint error responses, by OAuth error code',
      labelNames: ['error'],
      registers,
    });
    const introspections = new Counter({ name: 'oauth_introspections_total', help: 'Introspection answers, by result', labelNames: ['active'], registers });

    // One labelled child per grant type (a known few after a 200): no label hashing per token.
    const issuedByGrant = new Map<string, ReturnType<typeof issued.labels>>();
    const issuedFor = (grant: string): ReturnType<typeof issued.labels> => {
      let child = issuedByGrant.get(grant);
      if (child === undefined) issuedByGrant.set(grant, (child = issued.labels({ grant })));
      return child;
    };
    this.tokenAnswered = (status, payload, request) => {
      // A 200 means a registered grant handler answered, so grant_type is one of a known few.
      if (status === 200) issuedFor(grantOf(request)).inc();
      else errors.inc({ error: String((payload as { error?: unknown } | null)?.error ?? 'unknown') });
    };
    answers.listen(this);
    const onIntrospection: PayloadHook = (_request, reply, payload, done) => {
      if (reply.statusCode === 200) introspections.inc({ active: String((payload as { active?: unknown } | null)?.active === true) });
      done(null, payload);
    };
    // This provider is built before Nest registers the controllers, so onRoute sees the route.
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'POST', '/oauth/introspect')) appendRouteHook(route, 'preSerialization', onIntrospection);
    });
  }
}

function grantOf(request: Pick<FastifyRequest, 'body'>): string {
  const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
  return typeof grant === 'string' ? grant : 'unknown';
}
