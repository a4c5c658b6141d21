import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InvalidRequest, OAuthError, ServerError, TemporarilyUnavailable } from '#oauth';
import { isUnavailableError, sqlState, UNIQUE_VIOLATION } from './classify.js';
import { ConflictProblem, Problem, retryAfterHeader, ServiceUnavailableProblem, ValidationProblem } from './problem.js';
import { ServerBusy } from './server-busy.js';

/** Paths whose clients speak RFC 6749 JSON errors rather than RFC 9457 problems. */
const OAUTH_PATH = /^\/(oauth|\.well-known|api)(\/|$|\?)/;

interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * The one place where an exception becomes a response, for both apps. OAuth endpoints get
 * `{error, error_description}` (RFC 6749 §5.2 / RFC 6750 §3.1), the admin APIs get
 * application/problem+json (RFC 9457). Unknown failures are logged and never shown.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = renderError(request, reply, exception);
    logIfUnexpected(this.logger, status, request.method, request.url, request.id, exception);
  }
}

/**
 * 503s are expected while a dependency is away (logged where they arise); 500s are bugs, logged
 * with the path (never the query) and the request id. The id is in the text: the hottest routes
 * run outside the request-context store, so their lines get no reqId field from the logger.
 */
export function logIfUnexpected(logger: Logger, status: number, method: string, url: string, requestId: string, exception: unknown): void {
  if (status === 500) logger.error(`${method} ${url.split('?')[0]} (request ${requestId}): ${describe(exception)}`, stackOf(exception));
}

/**
 * Renders any exception in the style of the path's clients; answers the status sent. Also used for
 * Fastify's own errors raised before routing (a malformed URL), which never reach Nest's filters.
 */
export function renderError(request: FastifyRequest, reply: FastifyReply, exception: unknown): number {
  const answer = errorAnswer(request.url, exception);
  // The body as an object: Fastify serializes it after the routes' preSerialization hooks, which
  // read the error (the token endpoint's metrics and dashboard refusals).
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
  return answer.status;
}

/**
 * renderError() on Node's own response, for a request Fastify never saw (the resource server's
 * gateway lane, the auth server's token lane): the same status, body and headers, plus `headers`
 * (the request id). Answers the status and body sent.
 */
export function writeErrorAnswer(res: ServerResponse, url: string, exception: unknown, headers: Record<string, string>): { status: number; body: object } {
  const answer = errorAnswer(url, exception);
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...headers, ...answer.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return answer;
}

/**
 * An exception as the path's clients expect it, ready to send: an OAuth error (RFC 6749 §5.2 /
 * RFC 6750 §3.1) or a problem document (RFC 9457), with their headers (challenges, Retry-After).
 */
function errorAnswer(url: string, exception: unknown): { status: number; headers: Record<string, string>; body: object } {
  const error = errorFor(url, exception);
  if (error instanceof OAuthError) {
    return {
      status: error.status,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache', ...error.headers, 'content-type': 'application/json; charset=utf-8' },
      body: { error: error.error, error_description: sanitize(error.description) },
    };
  }
  return {
    status: error.status,
    headers: { 'cache-control': 'no-store', ...error.headers, 'content-type': 'application/problem+json; charset=utf-8' },
    body: error.toBody(),
  };
}

/** An exception as the path's clients expect it: an OAuth error (RFC 6749/6750) or a problem (RFC 9457). */
function errorFor(url: string, exception: unknown): OAuthError | Problem {
  return OAUTH_PATH.test(url) ? toOAuthError(exception) : toProblem(exception);
}

/** The status an error is answered with (as renderError answers it outside /oauth/): for audit rows and metrics labels. */
export function answeredStatus(exception: unknown): number {
  return toProblem(exception).status;
}

/** Fastify `frameworkErrors` option: the same rendering for errors raised before routing. */
export function renderFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  renderError(request, reply, error);
}

/**
 * Fastify `clientErrorHandler` option: Node's HTTP parser refused the request (a NUL or control
 * byte in a header or the request line, raw non-ASCII in the URL, a head over 16 KiB) before any
 * route, hook or filter ran. Same rendering rules as renderError, written on the socket, instead
 * of Fastify's own `{"error":"Bad Request","message":"Client Error"}` (found by fuzzing).
 */
export function renderClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const description = CLIENT_ERROR_DESCRIPTIONS[status];
  const head = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '';
  const oauth = OAUTH_PATH.test(/^[A-Za-z]+ (\S+)/.exec(head)?.[1] ?? '/');
  const problem = status === 400 ? ValidationProblem.field('request', description) : new Problem(status, STATUS_TITLES[status], description);
  const body = JSON.stringify(oauth ? { error: 'invalid_request', error_description: description } : problem.toBody());
  const type = oauth ? 'application/json' : 'application/problem+json';
  const headers = [`content-type: ${type}; charset=utf-8`, `content-length: ${Buffer.byteLength(body)}`, 'cache-control: no-store', 'connection: close'];
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_TITLES[status]}\r\n${headers.join('\r\n')}\r\n\r\n${body}`);
  socket.destroy();
}

const CLIENT_ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'the request is not valid HTTP',
  408: 'the request took too long to arrive',
  431: 'the request head is too large',
};
const STATUS_TITLES: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function toOAuthError(exception: unknown): OAuthError {
  if (exception instanceof OAuthError) return exception;
  if (exception instanceof Problem) return new OAuthErrorFromStatus(exception.status, exception.detail);
  if (exception instanceof ServerBusy)
    return new TemporarilyUnavailable(exception.detail).withHeader('Retry-After', retryAfterHeader(exception.retryAfterSeconds));
  if (isUnavailableError(exception)) return new TemporarilyUnavailable();
  if (isUnstorableText(exception)) return new InvalidRequest(UNSTORABLE_TEXT);
  const status = statusOf(exception);
  if (status && status < 500) return new OAuthErrorFromStatus(status, publicMessage(exception, status));
  return new ServerError();
}

function toProblem(exception: unknown): Problem {
  if (exception instanceof Problem) return exception;
  // Keep the challenge (WWW-Authenticate, Retry-After) when a bearer-protected admin API refuses.
  if (exception instanceof OAuthError)
    return Object.assign(new Problem(exception.status, exception.error, exception.description), { headers: exception.headers });
  if (exception instanceof ServerBusy) return new ServiceUnavailableProblem(exception.detail, exception.retryAfterSeconds);
  if (isUnavailableError(exception)) return new ServiceUnavailableProblem();
  if (sqlState(exception) === UNIQUE_VIOLATION) return new ConflictProblem('the resource already exists');
  if (isUnstorableText(exception)) return ValidationProblem.field('request', UNSTORABLE_TEXT);
  const status = statusOf(exception);
  if (status === 404) return new Problem(404, 'Not found', 'no such resource');
  if (status === 405) return new Problem(405, 'Method not allowed', 'the method is not allowed on this resource');
  if (status === 415) return new Problem(415, 'Unsupported media type', 'send application/json');
  if (status === 413) return ValidationProblem.field('body', 'the request body is too large');
  if (status && status < 500) return ValidationProblem.field(isBadUrl(exception) ? 'url' : 'body', publicMessage(exception, status));
  return new Problem(500, 'Internal server error', 'the server encountered an unexpected error');
}

const UNSTORABLE_TEXT = 'the request contains characters that cannot be stored (such as NUL)';

/** PostgreSQL refuses NUL and invalid UTF-8 in text (22021, 22P05): that is the client's input, never a 500. */
function isUnstorableText(exception: unknown): boolean {
  const state = sqlState(exception);
  return state === '22021' || state === '22P05';
}

function isBadUrl(exception: unknown): boolean {
  return (exception as FrameworkError | undefined)?.code === 'FST_ERR_BAD_URL';
}

class OAuthErrorFromStatus extends OAuthError {
  constructor(status: number, description: string) {
    if (status === 404) super('invalid_request', 404, 'no such endpoint');
    else if (status === 405) super('invalid_request', 405, 'method not allowed');
    else if (status === 401) super('invalid_client', 401, description);
    else if (status === 503) super('temporarily_unavailable', 503, description);
    else if (status >= 500) super('server_error', 500, 'the server encountered an unexpected error');
    else super(new InvalidRequest().error, status === 413 ? 400 : status, description);
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const candidate = exception as FrameworkError | undefined;
  return typeof candidate?.statusCode === 'number' ? candidate.statusCode : undefined;
}

/** Framework 4xx messages are safe to show once trimmed; Fastify's JSON parser errors are reworded. */
function publicMessage(exception: unknown, status: number): string {
  const candidate = exception as FrameworkError;
  if (candidate?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || candidate?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || /JSON/.test(candidate?.message ?? ''))
    return 'the body is not valid JSON';
  if (candidate?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the body is empty';
  if (status === 413) return 'the request body is too large';
  if (candidate?.code === 'FST_ERR_BAD_URL') return 'the URL is malformed';
  if (status === 415) return 'unsupported content type';
  const message = exception instanceof HttpException ? exception.message : candidate?.message;
  return typeof message === 'string' && message.length < 200 ? message : 'the request is invalid';
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
export function sanitize(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ');
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}

function stackOf(exception: unknown): string | undefined {
  return exception instanceof Error ? exception.stack : undefined;
}
