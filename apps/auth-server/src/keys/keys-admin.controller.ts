import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { RotateKeysBody } from './dto/rotate-keys.body.js';
import type { RotateKeysResponse, SigningKeyResponse } from './dto/signing-key.response.js';
import { KeysAdminService } from './keys-admin.service.js';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiProblems } from '#operability';
import { SIGNING_KEY_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: signing keys')
@Controller('admin/v1/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeysAdminService) {}

  @ApiOperation({ summary: 'Signing keys and their state' })
  @ApiPageResponse(SIGNING_KEY_VIEW)
  @Get()
  async list(): Promise<{ items: SigningKeyResponse[]; nextCursor: null }> {
    return { items: await this.keys.list(), nextCursor: null };
  }

  @ApiOperation({ summary: 'Publish a new signing key of each algorithm (ES256, RS256); each signs after the activation delay' })
  @ApiCreatedResponse({
    schema: {
      type: 'object',
      required: ['kid', 'kids'],
      properties: {
        kid: { type: 'string', description: 'the new ES256 key (access tokens)' },
        kids: { type: 'object', required: ['ES256', 'RS256'], properties: { ES256: { type: 'string' }, RS256: { type: 'string' } } },
      },
    },
  })
  @ApiProblems(400)
  @Post('rotate')
  @HttpCode(201)
  rotate(@Body() body: RotateKeysBody = {}): Promise<RotateKeysResponse> {
    return this.keys.rotate(body?.activationDelaySeconds);
  }
}
