import type { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from '#errors';

/**
 * A refusal (or failure) of a route answered outside Nest's pipeline (the gateway, GET
 * /auth/verify's Fastify handler), as the app's exception filter renders it: in the style of the
 * path's clients, and a 500 (a bug) logged.
 */
export function renderRefusal(logger: Logger, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (renderError(request, reply, error) === 500)
    logger.error(`${request.method} ${request.url.split('?')[0]}: ${String(error)}`, (error as Error | undefined)?.stack);
  return reply;
}
