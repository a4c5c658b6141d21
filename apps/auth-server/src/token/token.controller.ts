import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { EXPLICIT_REQUEST_CONTEXT } from '#observability';
import type { TokenResponse } from '../tokens/token-response.js';
import { TokenEndpoint } from './token-endpoint.js';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { TOKEN_REQUEST, TOKEN_RESPONSE } from '../openapi/schemas.js';

@ApiTags('oauth')
@Controller('oauth/token')
export class TokenController extends PostOnlyEndpoint {
  constructor(private readonly endpoint: TokenEndpoint) {
    super();
  }

  @ApiOperation({ summary: 'Token endpoint (RFC 6749 §3.2): authorization_code, client_credentials, password, refresh_token, device_code (RFC 8628)' })
  @ApiBasicAuth()
  @ApiFormBody(TOKEN_REQUEST)
  @ApiOkResponse({ schema: TOKEN_RESPONSE })
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @RouteConfig(EXPLICIT_REQUEST_CONTEXT)
  // Declares the route (OpenAPI, registration); TokenRoute swaps in a Fastify handler doing the same.
  token(@Req() request: FastifyRequest): Promise<TokenResponse> {
    return this.endpoint.handle(request);
  }
}
