import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAuthError } from '#oauth';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { resourceMetadataUrl, withResourceMetadata } from './resource-metadata.js';

/**
 * Renders the guard's refusals as RFC 6750 §3 answers (status, WWW-Authenticate, `{error,
 * error_description}`) in an app that has no filter of its own for them: Nest alone would make
 * them 500s. Through the HTTP adapter, so it works on Fastify and Express alike. A 401's challenge
 * names the RFC 9728 document when this app serves it there (an audience without a path: the
 * module serves /.well-known/oauth-protected-resource only).
 */
@Catch(OAuthError)
export class BearerErrorFilter implements ExceptionFilter {
  private readonly resourceMetadata?: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOURCE_GUARD_CONFIG) config: ResourceGuardConfig,
  ) {
    if (new URL(config.audience).pathname === '/') this.resourceMetadata = resourceMetadataUrl(config.audience);
  }

  catch(error: OAuthError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    if (error.status === 401 && this.resourceMetadata !== undefined) withResourceMetadata(error, this.resourceMetadata);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries({ 'cache-control': 'no-store', ...error.headers })) adapter.setHeader(response, name, value);
    adapter.reply(response, { error: error.error, error_description: error.description }, error.status);
  }
}
