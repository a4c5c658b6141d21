import { Controller, Get, Header, Inject } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { authorizationServerMetadata } from './authorization-server-metadata.js';
import { ScopeNamesRepository } from './scope-names.repository.js';
import { GetOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SERVER_METADATA } from '../openapi/schemas.js';

@ApiTags('oauth')
@Controller('.well-known/oauth-authorization-server')
export class DiscoveryController extends GetOnlyEndpoint {
  constructor(
    private readonly scopes: ScopeNamesRepository,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {
    super();
  }

  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ schema: SERVER_METADATA })
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  async metadata(): Promise<Record<string, unknown>> {
    return authorizationServerMetadata(this.config.issuer, await this.scopes.all());
  }
}
