import { Controller, Get, HttpCode, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '#operability';
import { RouteAuthorizer } from '../route-access/route-authorizer.js';
import { decideForwarded } from './forwarded-request.js';

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
  // Declares the route (OpenAPI, registration); ForwardAuthRoute swaps in a Fastify handler doing the same.
  async verify(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    reply.headers(await decideForwarded(this.authorizer, request.headers));
  }
}
