import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientAuthentication } from '../token/client-authentication.js';
import { requireParam } from '../token/token-form.js';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service.js';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { INTROSPECTION_RESPONSE, TOKEN_PARAM_REQUEST } from '../openapi/schemas.js';

/**
 * RFC 7662. Callers are confidential clients. One flagged `introspection` (a resource server, which
 * must check tokens issued to other clients) learns about any token; any other only about its own
 * (IntrospectionService). token_type_hint is ignored: the token's shape tells which kind it is.
 */
@ApiTags('oauth')
@Controller('oauth/introspect')
export class IntrospectionController extends PostOnlyEndpoint {
  constructor(
    private readonly clientAuthentication: ClientAuthentication,
    private readonly introspection: IntrospectionService,
  ) {
    super();
  }

  @ApiOperation({ summary: 'Token introspection (RFC 7662); the caller is a confidential client' })
  @ApiBasicAuth()
  @ApiFormBody(TOKEN_PARAM_REQUEST)
  @ApiOkResponse({ schema: INTROSPECTION_RESPONSE })
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async introspect(@Req() request: FastifyRequest): Promise<IntrospectionResponse> {
    const { client: caller, form } = await this.clientAuthentication.authenticateForm(request, { allowPublic: false });
    return this.introspection.introspect(caller, requireParam(form, 'token'));
  }
}
