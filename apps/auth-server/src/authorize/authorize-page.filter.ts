import { ArgumentsHost, Catch, ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUnavailableError, retryAfterHeader, ServerBusy } from '#errors';
import { AuthorizePageError, AuthorizeRedirectError } from './authorize-errors.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { authorizationResponseLocation } from './authorize-redirect.js';
import { renderErrorPage } from './pages/error.page.js';
import { sendPage, sendRedirect } from './pages/page-response.js';

/**
 * The authorization endpoint talks to a browser: every failure is an HTML page or a redirect to
 * the client, never the JSON the other OAuth endpoints answer with.
 */
@Catch()
export class AuthorizePageFilter implements ExceptionFilter {
  private readonly logger = new Logger('Authorize');

  constructor(@Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof AuthorizeRedirectError) {
      const { oauthError, redirectUri, mode, state } = exception;
      const location = authorizationResponseLocation(this.config.issuer, redirectUri, mode, { error: oauthError.error, error_description: oauthError.description, state });
      return sendRedirect(reply, request.method === 'GET' ? 302 : 303, location);
    }
    if (exception instanceof AuthorizePageError) {
      return sendPage(reply, renderErrorPage(exception.title, exception.explanation), { status: exception.status, headers: exception.headers });
    }
    if (exception instanceof ServerBusy || isUnavailableError(exception)) {
      const retryAfter = retryAfterHeader(exception instanceof ServerBusy ? exception.retryAfterSeconds : 1);
      return sendPage(reply, renderErrorPage('Temporarily unavailable', 'The server is busy. Try again in a moment.'), { status: 503, headers: { 'retry-after': retryAfter } });
    }
    const status = statusOf(exception);
    if (status !== undefined && status >= 400 && status < 500) {
      return sendPage(reply, renderErrorPage('Invalid request', 'The request could not be understood.'), { status });
    }
    this.logger.error(`${request.method} ${request.url.split('?')[0]}: ${exception instanceof Error ? exception.message : String(exception)}`, exception instanceof Error ? exception.stack : undefined);
    return sendPage(reply, renderErrorPage('Something went wrong', 'The server could not complete the request. Try again later.'), { status: 500 });
  }
}

function statusOf(exception: unknown): number | undefined {
  const candidate = exception as { getStatus?: () => number; statusCode?: number } | undefined;
  if (typeof candidate?.getStatus === 'function') return candidate.getStatus();
  return typeof candidate?.statusCode === 'number' ? candidate.statusCode : undefined;
}
