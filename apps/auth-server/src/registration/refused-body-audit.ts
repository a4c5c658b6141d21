import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditWriter } from '../audit/audit-writer.js';
import { appendRouteHook, isRoute } from '#operability/route-hooks';

type ErrorHook = (request: FastifyRequest, reply: FastifyReply, error: FastifyError, done: () => void) => void;

/**
 * Audits the registration requests Fastify refuses before the controller runs (a body that is not
 * JSON, a media type without a parser, a body over the server's limit): the service audits every
 * other refusal itself. A route-level onError hook fires only for errors Fastify handles; the
 * controller's own errors are answered by the exception filter and never reach it.
 */
@Injectable()
export class RefusedBodyAudit {
  constructor(adapterHost: HttpAdapterHost, audit: AuditWriter) {
    const onError: ErrorHook = (request, _reply, error, done) => {
      const status = error.statusCode ?? 500;
      audit.record({
        action: 'client.registration.refused',
        targetType: 'client',
        targetId: typeof (request.params as { clientId?: unknown })?.clientId === 'string' ? (request.params as { clientId: string }).clientId : null,
        details: { attempted: request.method === 'POST' ? 'client.registered' : 'client.registration.updated', status, error: error.code ?? 'invalid_request' },
      });
      done();
    };
    // Built before Nest registers the controllers (as OAuthMetrics), so onRoute sees these routes.
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onRoute', (route) => {
      if (isRoute(route, 'POST', '/oauth/register') || isRoute(route, 'PUT', '/oauth/register/:clientId')) appendRouteHook(route, 'onError', onError);
    });
  }
}
