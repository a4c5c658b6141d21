import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendRouteHook } from '#operability/route-hooks';
import { answerWithPlainHandler } from '../common/plain-oauth-route.js';
import { TokenAnswers } from './token-answers.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * POST /oauth/token, answered by a plain Fastify handler (answerWithPlainHandler): the hottest route
 * skips Nest's per-request router pipeline. TokenController still declares the route, so Nest
 * registers it (OpenAPI document, route catalog, the 405 siblings) and every Fastify hook still
 * runs: request id and logging, security headers, metrics, body parsing and its limits. Every
 * answer, whoever rendered it, is reported to TokenAnswers from a preSerialization hook, as the
 * token lane reports its own.
 */
@Injectable()
export class TokenRoute {
  constructor(adapterHost: HttpAdapterHost, endpoint: TokenEndpoint, applicationConfig: ApplicationConfig, answers: TokenAnswers) {
    const reportAnswer = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
      answers.answered(reply.statusCode, payload, request);
      done(null, payload);
    };
    answerWithPlainHandler(
      adapterHost,
      applicationConfig,
      [['POST', '/oauth/token']],
      (request) => endpoint.handle(request),
      (route) => appendRouteHook(route, 'preSerialization', reportAnswer),
    );
  }
}
