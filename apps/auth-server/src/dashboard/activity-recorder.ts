import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ISSUED_TO } from '../tokens/token-response.js';
import { ActivityCounters, ActivityMetrics } from './activity-metrics.js';

type PayloadHook = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => void;

/**
 * Counts the token endpoint's answers per minute for the dashboard, read at the HTTP boundary as
 * OAuthMetrics does (a preSerialization hook on POST /oauth/token only): the grant code stays
 * untouched, and a refusal is counted with the code the client received, whichever layer raised
 * it. The counting itself is a Map update (ActivityCounters); ActivityFlusher stores it.
 */
@Injectable()
export class ActivityRecorder {
  constructor(
    adapterHost: HttpAdapterHost,
    private readonly counters: ActivityCounters,
  ) {
    const onToken: PayloadHook = (request, reply, payload, done) => {
      this.tokenAnswered(reply.statusCode, payload, request);
      done(null, payload);
    };
    // Built before Nest registers the controllers (as OAuthMetrics), so onRoute sees the route.
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (route.url === '/oauth/token' && isPost(route)) attach(route, onToken);
    });
  }

  /** From the route's hook, or from the token lane (token-lane.ts), which answers before Fastify. */
  tokenAnswered(status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>): void {
    recordTokenAnswer(this.counters, status, payload, request);
  }
}

/** One answer of the token endpoint, counted: a 200 by grant and by the client it was issued to (ISSUED_TO), anything else by reason. */
export function recordTokenAnswer(counters: ActivityCounters, status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>, at = Date.now()): void {
  const body = (payload ?? {}) as { error?: unknown; [ISSUED_TO]?: unknown };
  if (status === 200) {
    // A 200 means a registered grant handler answered, so grant_type is one of a known few.
    const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
    counters.add(ActivityMetrics.tokensIssued, typeof grant === 'string' ? grant : 'unknown', at);
    const clientId = body[ISSUED_TO];
    if (typeof clientId === 'string') counters.add(ActivityMetrics.tokensIssuedByClient, clientId, at);
    return;
  }
  counters.add(ActivityMetrics.tokenRefused, status === 429 ? 'rate_limited' : typeof body.error === 'string' ? body.error : 'unknown', at);
}

function attach(route: RouteOptions, hook: PayloadHook): void {
  const existing = route.preSerialization;
  route.preSerialization = [...(existing ? [existing].flat() : []), hook] as RouteOptions['preSerialization'];
}

function isPost(route: RouteOptions): boolean {
  return route.method === 'POST' || (Array.isArray(route.method) && route.method.includes('POST'));
}
