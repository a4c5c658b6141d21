import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAuthError } from '#oauth';

/**
 * Renders the guard's refusals as RFC 6750 §3 answers (status, WWW-Authenticate, `{error,
 * error_description}`) in an app that has no filter of its own for them: Nest alone would make
 * them 500s. Through the HTTP adapter, so it works on Fastify and Express alike.
 */
@Catch(OAuthError)
export class BearerErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: OAuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries({ 'cache-control': 'no-store', ...error.headers })) adapter.setHeader(response, name, value);
    adapter.reply(response, { error: error.error, error_description: error.description }, error.status);
  }
}
