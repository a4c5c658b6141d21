import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
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
  constructor(adapterHost: HttpAdapterHost, counters: ActivityCounters) {
    const onToken: PayloadHook = (request, reply, payload, done) => {
      recordTokenAnswer(counters, reply.statusCode, payload, request);
      done(null, payload);
    };
    // Built before Nest registers the controllers (as OAuthMetrics), so onRoute sees the route.
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (route.url === '/oauth/token' && isPost(route)) attach(route, onToken);
    });
  }
}

/** One answer of the token endpoint, counted: a 200 by grant and client, anything else by reason. */
export function recordTokenAnswer(counters: ActivityCounters, status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>, at = Date.now()): void {
  const body = (payload ?? {}) as { error?: unknown; access_token?: unknown };
  if (status === 200) {
    // A 200 means a registered grant handler answered, so grant_type is one of a known few.
    const grant = (request.body as Record<string, unknown> | undefined)?.grant_type;
    counters.add(ActivityMetrics.tokensIssued, typeof grant === 'string' ? grant : 'unknown', at);
    const clientId = clientIdOf(body.access_token);
    if (clientId !== null) counters.add(ActivityMetrics.tokensIssuedByClient, clientId, at);
    return;
  }
  counters.add(ActivityMetrics.tokenRefused, status === 429 ? 'rate_limited' : typeof body.error === 'string' ? body.error : 'unknown', at);
}

/**
 * The `client_id` claim of the access token just issued (RFC 9068 §2.2): whichever way the client
 * authenticated (Basic, form, assertion, public), the token says who it is. The token is our own
 * and was signed a moment ago, so its payload is only decoded, not verified again.
 */
export function clientIdOf(accessToken: unknown): string | null {
  if (typeof accessToken !== 'string') return null;
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { client_id?: unknown };
    return typeof claims.client_id === 'string' ? claims.client_id : null;
  } catch {
    return null;
  }
}

function attach(route: RouteOptions, hook: PayloadHook): void {
  const existing = route.preSerialization;
  route.preSerialization = [...(existing ? [existing].flat() : []), hook] as RouteOptions['preSerialization'];
}

function isPost(route: RouteOptions): boolean {
  return route.method === 'POST' || (Array.isArray(route.method) && route.method.includes('POST'));
}
