import { Injectable, Module } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Told of every answer of the token endpoint (metrics, dashboard). */
export interface TokenAnswerListener {
  tokenAnswered(status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>): void;
}

/**
 * The one place every answer of `POST /oauth/token` is reported, whichever way it was answered:
 * the route's preSerialization hook (TokenRoute) and the token lane (token-lane.ts) both call
 * `answered`, and the counters subscribe here, so no listener can be known to one way and not the other.
 */
@Injectable()
export class TokenAnswers {
  private readonly listeners: TokenAnswerListener[] = [];

  listen(listener: TokenAnswerListener): void {
    this.listeners.push(listener);
  }

  answered(status: number, payload: unknown, request: Pick<FastifyRequest, 'body'>): void {
    for (const listener of this.listeners) listener.tokenAnswered(status, payload, request);
  }
}

/** TokenAnswers on its own, for the token module and its listeners' modules alike (no module cycle). */
@Module({ providers: [TokenAnswers], exports: [TokenAnswers] })
export class TokenAnswersModule {}
