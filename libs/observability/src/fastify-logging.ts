import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import {
  acceptOrGenerateRequestId,
  currentRequestContext,
  EXPLICIT_REQUEST_CONTEXT,
  holdRequestContextStore,
  REQUEST_ID_HEADER,
  runWithRequestContext,
  type RequestContext,
} from './request-context.js';

/** Fastify options: request.id is the accepted or generated x-request-id. */
export const requestIdOptions = {
  requestIdHeader: false as const,
  genReqId: (req: IncomingMessage): string => acceptOrGenerateRequestId(req.headers[REQUEST_ID_HEADER]),
};

const CONTEXT = Symbol('requestContext');
type WithContext = Pick<FastifyRequest, 'id' | 'ip'> & { [CONTEXT]?: RequestContext };

/**
 * The request's context (id, ip, and the actor once known), kept on the request by the hook below:
 * for the routes that pass it by hand (EXPLICIT_REQUEST_CONTEXT) and anything else holding the request.
 */
export function requestContextOf(request: Pick<FastifyRequest, 'id' | 'ip'>): RequestContext {
  return ((request as WithContext)[CONTEXT] ??= { requestId: request.id, ip: request.ip });
}

/**
 * Echoes the request id, runs the request inside its RequestContext (except on routes configured
 * with EXPLICIT_REQUEST_CONTEXT) and writes one JSON line per response. The line holds method, path
 * WITHOUT the query string (authorize and callback URLs carry codes and state), status and
 * duration: never headers or bodies, where secrets travel. `logger` is the access logger
 * (logger.ts: createAccessLogger), which skips redaction: add no field here that could carry a secret.
 */
export function installRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const context = requestContextOf(request);
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (passesContextByHand(request)) return done();
    // 'close' comes once per response, answered or aborted, after the hooks and the handler.
    reply.raw.once('close', holdRequestContextStore());
    runWithRequestContext(context, done);
  });
  // Body parsing resumes from the socket's async context; enter the request's again for handlers.
  // Without a body (GET) the hooks ran synchronously inside onRequest's run: nothing to re-enter.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const context = (request as WithContext)[CONTEXT];
    if (context && currentRequestContext() !== context && !passesContextByHand(request)) runWithRequestContext(context, done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequestCompleted(logger, request.id, request.method, request.url, reply.statusCode, reply.elapsedTime, request.ip);
    done();
  });
}

/**
 * The access log's line for a request (errors for 5xx but 503, warnings for 503, else info): from
 * the hook above, or from a lane that answers before Fastify. Plain arguments, no object: it runs
 * for every request, and builds nothing when the level is off.
 */
export function logRequestCompleted(logger: Logger, reqId: string, method: string, url: string, status: number, ms: number, ip: string): void {
  const level = accessLogLevel(status);
  if (logger.isLevelEnabled(level)) logger[level]({ reqId, method, path: pathOf(url), status, ms: Math.round(ms), ip }, 'request completed');
}

/**
 * A 503 is the server saying "not now" on purpose: a resource server loading its snapshot, an app
 * draining at shutdown, a backing service down (a failure logged once, at error, by what noticed it). A
 * load balancer sends such a server traffic all the same, and one error line per refused request
 * would bury the one that says why. Other 5xx are failures.
 */
export function accessLogLevel(status: number): 'info' | 'warn' | 'error' {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/** The URL without its query string (no intermediate array per request). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function passesContextByHand(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { requestContext?: string } | undefined)?.requestContext === EXPLICIT_REQUEST_CONTEXT.requestContext;
}
