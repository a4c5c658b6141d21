import { Controller, Get, Header } from '@nestjs/common';
import { AuthorizationServerMetadataService } from './authorization-server-metadata.service.js';
import { GetOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SERVER_METADATA } from '../openapi/schemas.js';

@ApiTags('oauth')
/** One document at both well-known paths: RFC 8414 §3 and OpenID Connect Discovery 1.0 §4. */
@Controller(['.well-known/oauth-authorization-server', '.well-known/openid-configuration'])
export class DiscoveryController extends GetOnlyEndpoint {
  constructor(private readonly serverMetadata: AuthorizationServerMetadataService) {
    super();
  }

  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414), also the OpenID Provider configuration (OpenID Connect Discovery 1.0)' })
  @ApiOkResponse({ schema: SERVER_METADATA })
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  metadata(): Promise<Record<string, unknown>> {
    return this.serverMetadata.metadata();
  }
}
