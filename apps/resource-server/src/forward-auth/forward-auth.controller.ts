import { Controller, Get, Headers, HttpCode, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ValidationProblem } from '#errors';
import { ApiProblems } from '#operability';
import { authHeadersOf } from '../route-access/auth-headers.js';
import { RouteAuthorizer } from '../route-access/route-authorizer.js';

/** RFC 9110 §5.6.2 token: what a method name may be. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

const AUTH_HEADER_DOCS = {
  'X-Auth-Subject': { description: 'the token subject (sub)', schema: { type: 'string' } },
  'X-Auth-Client-Id': { description: 'the client the token was issued to', schema: { type: 'string' } },
  'X-Auth-Scope': { description: 'the scopes the token still grants, space-separated', schema: { type: 'string' } },
  'X-Auth-Token-Id': { description: 'the token id (jti)', schema: { type: 'string' } },
};

/**
 * Forward authentication (nginx auth_request, Traefik ForwardAuth, Envoy HTTP ext_authz): the
 * route rules applied to the request the proxy describes. 200 with the X-Auth-* headers (none for
 * a public route) or the 401/403 with WWW-Authenticate a protected route gives; 400 for a path
 * or description refused, 404 without a route, 405 for a method the route does not allow.
 */
@ApiTags('forward authentication')
@Controller('auth')
export class ForwardAuthController {
  constructor(private readonly authorizer: RouteAuthorizer) {}

  @ApiOperation({ summary: 'Forward authentication: may the described request pass? (nginx auth_request, Traefik ForwardAuth)' })
  @ApiHeader({ name: 'X-Forwarded-Method', required: true, description: 'the method of the request to decide on' })
  @ApiHeader({ name: 'X-Forwarded-Uri', required: false, description: 'its target (path and query, as sent); or X-Original-URI' })
  @ApiHeader({ name: 'X-Original-URI', required: false, description: 'nginx name of the target, when X-Forwarded-Uri is absent' })
  @ApiOkResponse({ description: 'allowed; the X-Auth-* headers describe the caller (absent on a public route)', headers: AUTH_HEADER_DOCS })
  @ApiProblems(400, 401, 403, 404, 405, 503)
  @Get('verify')
  @HttpCode(200)
  async verify(
    @Headers('x-forwarded-method') method: string | string[] | undefined,
    @Headers('x-forwarded-uri') forwardedUri: string | string[] | undefined,
    @Headers('x-original-uri') originalUri: string | string[] | undefined,
    @Headers('authorization') authorization: string | string[] | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    reply.header('cache-control', 'no-store');
    const { access } = await this.authorizer.authorize({ method: described(method), target: target(forwardedUri, originalUri), authorization });
    if (access) reply.headers(authHeadersOf(access));
  }
}

function described(method: string | string[] | undefined): string {
  // Never a default: a proxy that does not say the method could get a POST judged as a GET.
  if (typeof method !== 'string' || !METHOD.test(method)) throw ValidationProblem.field('X-Forwarded-Method', 'send exactly one method');
  return method.toUpperCase();
}

function target(forwardedUri: string | string[] | undefined, originalUri: string | string[] | undefined): string {
  if (Array.isArray(forwardedUri) || Array.isArray(originalUri)) throw ValidationProblem.field('X-Forwarded-Uri', 'send exactly one request target');
  if (forwardedUri !== undefined && originalUri !== undefined && forwardedUri !== originalUri) {
    throw ValidationProblem.field('X-Forwarded-Uri', 'X-Forwarded-Uri and X-Original-URI disagree');
  }
  const uri = forwardedUri ?? originalUri;
  if (uri === undefined || uri === '') throw ValidationProblem.field('X-Forwarded-Uri', 'send X-Forwarded-Uri or X-Original-URI');
  return uri;
}
