import { Controller, Get, Header } from '@nestjs/common';
import { AuthorizationServerMetadataService } from './authorization-server-metadata.service.js';
import { GetOnlyEndpoint } from '../common/method-not-allowed.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SERVER_METADATA } from '../openapi/schemas.js';

@ApiTags('oauth')
@Controller('.well-known/oauth-authorization-server')
export class DiscoveryController extends GetOnlyEndpoint {
  constructor(private readonly serverMetadata: AuthorizationServerMetadataService) {
    super();
  }

  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ schema: SERVER_METADATA })
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  metadata(): Promise<Record<string, unknown>> {
    return this.serverMetadata.metadata();
  }
}
