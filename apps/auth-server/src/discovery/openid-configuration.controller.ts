import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetOnlyEndpoint } from '../common/method-not-allowed.js';
import { SERVER_METADATA } from '../openapi/schemas.js';
import { AuthorizationServerMetadataService } from './authorization-server-metadata.service.js';

/** OpenID Connect Discovery 1.0 §4: the same document as RFC 8414's, at OpenID's well-known path. */
@ApiTags('oauth')
@Controller('.well-known/openid-configuration')
export class OpenIdConfigurationController extends GetOnlyEndpoint {
  constructor(private readonly serverMetadata: AuthorizationServerMetadataService) {
    super();
  }

  @ApiOperation({ summary: 'OpenID Provider configuration (OpenID Connect Discovery 1.0)' })
  @ApiOkResponse({ schema: SERVER_METADATA })
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  metadata(): Promise<Record<string, unknown>> {
    return this.serverMetadata.metadata();
  }
}
