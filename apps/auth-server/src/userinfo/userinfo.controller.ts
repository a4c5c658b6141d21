import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { GetAndPostEndpoint } from '../common/method-not-allowed.js';
import { USERINFO_REQUEST, USERINFO_RESPONSE } from '../openapi/schemas.js';
import { UserinfoEndpoint } from './userinfo-endpoint.js';
import type { UserinfoResponse } from './userinfo.service.js';

/**
 * OpenID Connect Core 1.0 §5.3: the claims of the granted scopes about the token's user. Both routes
 * are answered by UserinfoRoute's plain Fastify handler; this controller declares them (OpenAPI, the
 * route catalog, the 405 siblings) and answers only where that handler is not installed.
 */
@ApiTags('oauth')
@Controller('oauth/userinfo')
export class UserinfoController extends GetAndPostEndpoint {
  constructor(private readonly endpoint: UserinfoEndpoint) {
    super();
  }

  @ApiOperation({ summary: 'OpenID Connect userinfo; the access token in the Authorization header' })
  @ApiBearerAuth()
  @ApiOkResponse({ schema: USERINFO_RESPONSE })
  @ApiOAuthErrors(400, 401, 403, 405, 503)
  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async get(@Req() request: FastifyRequest): Promise<UserinfoResponse> {
    return this.endpoint.handle(request);
  }

  @ApiOperation({ summary: 'OpenID Connect userinfo; the access token in the Authorization header or as access_token in the form body (not both)' })
  @ApiBearerAuth()
  @ApiFormBody(USERINFO_REQUEST)
  @ApiOkResponse({ schema: USERINFO_RESPONSE })
  @ApiOAuthErrors(400, 401, 403, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async post(@Req() request: FastifyRequest): Promise<UserinfoResponse> {
    return this.endpoint.handle(request);
  }
}
