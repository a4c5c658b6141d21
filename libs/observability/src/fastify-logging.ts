import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { acceptOrGenerateRequestId, currentRequestContext, REQUEST_ID_HEADER, runWithRequestContext, type RequestContext } from './request-context.js';

/** Fastify options: request.id is the accepted or generated x-request-id. */
export const requestIdOptions = {
  requestIdHeader: false as const,
  genReqId: (req: IncomingMessage): string => acceptOrGenerateRequestId(req.headers[REQUEST_ID_HEADER]),
};

const CONTEXT = Symbol('requestContext');
type WithContext = FastifyRequest & { [CONTEXT]?: RequestContext };

/**
 * Echoes the request id, runs the request inside its RequestContext and writes one JSON line per
 * response. The line holds method, path WITHOUT the query string (authorize and callback URLs carry
 * codes and state), status and duration: never headers or bodies, where secrets travel. `logger`
 * is the access logger (logger.ts: createAccessLogger), which skips redaction: add no field here
 * that could carry a secret.
 */
export function installRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const context: RequestContext = { requestId: request.id, ip: request.ip };
    (request as WithContext)[CONTEXT] = context;
    void reply.header(REQUEST_ID_HEADER, request.id);
    runWithRequestContext(context, done);
  });
  // Body parsing resumes from the socket's async context; enter the request's again for handlers.
  // Without a body (GET) the hooks ran synchronously inside onRequest's run: nothing to re-enter.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const context = (request as WithContext)[CONTEXT];
    if (context && currentRequestContext() !== context) runWithRequestContext(context, done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequestCompleted(logger, { reqId: request.id, method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime, ip: request.ip });
    done();
  });
}

/** One answered request, as the access log records it. */
export interface CompletedRequest {
  reqId: string;
  method: string;
  /** The request target; the line keeps its path only. */
  url: string;
  status: number;
  ms: number;
  ip: string;
}

/** The access log's line for a request (errors for 5xx, else info): from the hook above, or from a lane that answers before Fastify. */
export function logRequestCompleted(logger: Logger, request: CompletedRequest): void {
  const level = request.status >= 500 ? 'error' : 'info';
  if (logger.isLevelEnabled(level)) {
    logger[level](
      { reqId: request.reqId, method: request.method, path: pathOf(request.url), status: request.status, ms: Math.round(request.ms), ip: request.ip },
      'request completed',
    );
  }
}

/** The URL without its query string (no intermediate array per request). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
