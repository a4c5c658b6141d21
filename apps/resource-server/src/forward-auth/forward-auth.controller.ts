import { applyDecorators, Controller, Delete, Get, Headers, HttpCode, Options, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '#operability';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { RouteAuthorizer, type RouteRequest } from '../route-access/route-authorizer.js';
import { envoyDescription, forwardedDescription, type HeaderValue } from './described-request.js';
import { forwardDecision } from './forward-decision.js';
import { forwardedRouteRequest } from './forwarded-route-request.js';

const AUTH_HEADER_DOCS = {
  'X-Auth-Subject': { description: 'the token subject (sub); the client id for client credentials (clientBasic routes)', schema: { type: 'string' } },
  'X-Auth-Client-Id': { description: 'the client the token was issued to, or that sent its credentials', schema: { type: 'string' } },
  'X-Auth-Scope': { description: "the scopes the token still grants, or the client's associated scopes, space-separated", schema: { type: 'string' } },
  'X-Auth-Token-Id': { description: 'the token id (jti); absent for client credentials', schema: { type: 'string' } },
};
const CLIENT_BASIC_THROTTLED = {
  status: 429,
  description: 'clientBasic routes: too many failed client credentials from this address or for this client id; wait for Retry-After',
};
const ALLOWED = { description: 'allowed; the X-Auth-* headers describe the caller (absent on a public route)', headers: AUTH_HEADER_DOCS };

/** The docs and status of a check in Envoy's form, whatever its method. */
function EnvoyCheck(): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: 'Forward authentication, Envoy HTTP ext_authz form: the original method on /auth/verify followed by the original path and query' }),
    ApiParam({ name: 'path', description: 'the original request path (and query), after /auth/verify (ext_authz path_prefix)' }),
    ApiOkResponse(ALLOWED),
    ApiProblems(400, 401, 403, 404, 405, 503),
    ApiResponse(CLIENT_BASIC_THROTTLED),
    HttpCode(200),
  );
}

/**
 * Forward authentication: the route rules applied to the request a proxy describes, in either
 * form (described-request.ts): GET /auth/verify with X-Forwarded-Method and X-Forwarded-Uri or
 * X-Original-URI (nginx auth_request, Traefik ForwardAuth), or the original method on
 * /auth/verify/<original path> (Envoy's HTTP ext_authz with path_prefix /auth/verify). 200 with the
 * X-Auth-* headers (none for a public route) or the 401/403 with WWW-Authenticate a protected
 * route gives; 400 for a path or description refused, 404 without a route, 405 for a method the
 * route does not allow. Each decision is counted by route prefix (route_decisions_total).
 */
@ApiTags('forward authentication')
@Controller('auth')
export class ForwardAuthController {
  constructor(
    private readonly authorizer: RouteAuthorizer,
    private readonly metrics: RsMetrics,
  ) {}

  @ApiOperation({ summary: 'Forward authentication: may the described request pass? (nginx auth_request, Traefik ForwardAuth)' })
  @ApiHeader({ name: 'X-Forwarded-Method', required: true, description: 'the method of the request to decide on' })
  @ApiHeader({ name: 'X-Forwarded-Uri', required: false, description: 'its target (path and query, as sent); or X-Original-URI' })
  @ApiHeader({ name: 'X-Original-URI', required: false, description: 'nginx name of the target, when X-Forwarded-Uri is absent' })
  @ApiOkResponse(ALLOWED)
  @ApiProblems(400, 401, 403, 404, 405, 503)
  @ApiResponse(CLIENT_BASIC_THROTTLED)
  @Get('verify')
  @HttpCode(200)
  // Declares the route (OpenAPI, registration); ForwardAuthRoute swaps in a Fastify handler doing the same.
  verify(
    @Headers('x-forwarded-method') method: HeaderValue,
    @Headers('x-forwarded-uri') forwardedUri: HeaderValue,
    @Headers('x-original-uri') originalUri: HeaderValue,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const described = forwardedRouteRequest(forwardedDescription(method, forwardedUri, originalUri), request.headers, request.ip);
    return this.decide(described, reply);
  }

  // The Envoy form, one handler per method a route may name (ROUTE_METHODS; HEAD comes with GET):
  // not @All(), which would also take methods the gateway never serves (SEARCH, PROPFIND, ...).
  @EnvoyCheck()
  @Get('verify/*')
  checkGet(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  @EnvoyCheck()
  @Post('verify/*')
  checkPost(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  @EnvoyCheck()
  @Put('verify/*')
  checkPut(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  @EnvoyCheck()
  @Patch('verify/*')
  checkPatch(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  @EnvoyCheck()
  @Delete('verify/*')
  checkDelete(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  @EnvoyCheck()
  @Options('verify/*')
  checkOptions(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.checkOriginal(request, reply);
  }

  private checkOriginal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    return this.decide(forwardedRouteRequest(envoyDescription(request.method, request.url, request.headers), request.headers, request.ip), reply);
  }

  private async decide(described: RouteRequest, reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    reply.headers(await forwardDecision(this.authorizer, this.metrics, described));
  }
}
