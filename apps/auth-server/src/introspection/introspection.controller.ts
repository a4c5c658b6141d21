import { Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EXPLICIT_REQUEST_CONTEXT } from '#observability';
import type { IntrospectionResponse } from './introspection.service.js';
import { JWT_INTROSPECTION_MEDIA_TYPE } from './jwt-introspection-response.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { INTROSPECTION_RESPONSE, TOKEN_PARAM_REQUEST } from '../openapi/schemas.js';

/**
 * RFC 7662. Callers are confidential clients. One flagged `introspection` (a resource server, which
 * must check tokens issued to other clients) learns about any token; any other only about its own
 * (IntrospectionService). `Accept: application/token-introspection+jwt` gets the same answer as a
 * signed JWT (RFC 9701). The route is answered by IntrospectionRoute's plain Fastify handler; this
 * controller declares it (OpenAPI, the route catalog, the 405 siblings) and answers only where
 * that handler is not installed.
 */
@ApiTags('oauth')
@Controller('oauth/introspect')
export class IntrospectionController extends PostOnlyEndpoint {
  constructor(private readonly endpoint: IntrospectionEndpoint) {
    super();
  }

  @ApiOperation({ summary: 'Token introspection (RFC 7662); the caller is a confidential client' })
  @ApiBasicAuth()
  @ApiFormBody(TOKEN_PARAM_REQUEST)
  @ApiOkResponse({ schema: INTROSPECTION_RESPONSE, description: 'JSON, or with Accept: application/token-introspection+jwt a signed JWT whose token_introspection claim is this object (RFC 9701)' })
  @ApiProduces('application/json', JWT_INTROSPECTION_MEDIA_TYPE)
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  // Nothing below reads the request-context store: client authentication is handed the request.
  @RouteConfig(EXPLICIT_REQUEST_CONTEXT)
  async introspect(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntrospectionResponse | string> {
    return this.endpoint.handle(request, reply);
  }
}
