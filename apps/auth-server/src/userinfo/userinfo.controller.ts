import { Controller, Get, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { ProofContext } from '#dpop';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { GetAndPostEndpoint } from '../common/method-not-allowed.js';
import { endpointUris } from '../dpop/endpoint-uris.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { USERINFO_REQUEST, USERINFO_RESPONSE } from '../openapi/schemas.js';
import { userinfoAccessToken } from './userinfo-access-token.js';
import { UserinfoService, type UserinfoResponse } from './userinfo.service.js';

/** OpenID Connect Core 1.0 §5.3: the claims of the granted scopes about the token's user. */
@ApiTags('oauth')
@Controller('oauth/userinfo')
export class UserinfoController extends GetAndPostEndpoint {
  constructor(
    private readonly userinfo: UserinfoService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {
    super();
  }

  private proofContext(request: FastifyRequest): ProofContext {
    return { method: request.method, uri: endpointUris(this.config.issuer, request), proof: request.headers.dpop };
  }

  @ApiOperation({ summary: 'OpenID Connect userinfo; the access token in the Authorization header' })
  @ApiBearerAuth()
  @ApiOkResponse({ schema: USERINFO_RESPONSE })
  @ApiOAuthErrors(400, 401, 403, 405, 503)
  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async get(@Req() request: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.claimsFor(userinfoAccessToken(partsOf(request)), this.proofContext(request));
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
    return this.userinfo.claimsFor(userinfoAccessToken(partsOf(request)), this.proofContext(request));
  }
}

function partsOf(request: FastifyRequest) {
  return {
    method: request.method,
    authorization: request.headers.authorization,
    contentType: request.headers['content-type'],
    query: request.query,
    body: request.body,
  };
}
