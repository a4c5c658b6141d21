import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientAuthentication } from '../token/client-authentication.js';
import { requireParam } from '../token/token-form.js';
import { RevocationService } from './revocation.service.js';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { TOKEN_PARAM_REQUEST } from '../openapi/schemas.js';

/** RFC 7009 §2: 200 with an empty body whether or not there was something to revoke; 400 unauthorized_client for a token of another client. */
@ApiTags('oauth')
@Controller('oauth/revoke')
export class RevocationController extends PostOnlyEndpoint {
  constructor(
    private readonly clientAuthentication: ClientAuthentication,
    private readonly revocation: RevocationService,
  ) {
    super();
  }

  @ApiOperation({ summary: 'Token revocation (RFC 7009)' })
  @ApiBasicAuth()
  @ApiFormBody(TOKEN_PARAM_REQUEST)
  @ApiOkResponse({ description: 'revoked, or nothing to revoke (empty body)' })
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@Req() request: FastifyRequest): Promise<void> {
    const { client, form } = await this.clientAuthentication.authenticateForm(request, { allowPublic: true });
    await this.revocation.revoke(client, requireParam(form, 'token'));
  }
}
