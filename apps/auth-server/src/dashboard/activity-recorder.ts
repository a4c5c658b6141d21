import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TokenAnswers, type TokenAnswerListener } from '../token/token-answers.js';
import { ISSUED_TO } from '../tokens/token-response.js';
import { ActivityCounters, ActivityMetrics } from './activity-metrics.js';

/**
 * Counts the token endpoint's answers per minute for the dashboard, read at the HTTP boundary as
 * OAuthMetrics does (TokenAnswers: the route's preSerialization hook and the token lane): the
 * grant code stays untouched, and a refusal is counted with the code the client received,
 * whichever layer raised it. The counting itself is a Map update (ActivityCounters); ActivityFlusher stores it.
 */
@Injectable()
export class ActivityRecorder implements TokenAnswerListener {
  constructor(
    private readonly counters: ActivityCounters,
    answers: TokenAnswers,
  ) {
    answers.listen(this);
  }

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
