import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { KeyStore } from './key-store.js';
import { statusOf, type SigningKeyStatus } from './signing-key.js';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiProblems } from '#operability';
import { SIGNING_KEY_VIEW } from '../openapi/schemas.js';

export class RotateKeysBody {
  /** Seconds between publication and first signature (default 10); tests use 0. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  activationDelaySeconds?: number;
}

export interface SigningKeyResponse {
  kid: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  status: SigningKeyStatus;
}

@AdminApi()
@ApiTags('admin: signing keys')
@Controller('admin/v1/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeyStore) {}

  @ApiOperation({ summary: 'Signing keys and their state' })
  @ApiPageResponse(SIGNING_KEY_VIEW)
  @Get()
  async list(): Promise<{ items: SigningKeyResponse[]; nextCursor: null }> {
    await this.keys.reload();
    const now = new Date();
    const items = this.keys.list().map((key) => ({
      kid: key.kid,
      createdAt: key.createdAt.toISOString(),
      activatedAt: key.activatedAt?.toISOString() ?? null,
      retiredAt: key.retiredAt?.toISOString() ?? null,
      status: statusOf(key, now),
    }));
    return { items, nextCursor: null };
  }

  @ApiOperation({ summary: 'Publish a new signing key; it signs after the activation delay' })
  @ApiCreatedResponse({ schema: { type: 'object', required: ['kid'], properties: { kid: { type: 'string' } } } })
  @ApiProblems(400)
  @Post('rotate')
  @HttpCode(201)
  async rotate(@Body() body: RotateKeysBody = {}): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate(body?.activationDelaySeconds) };
  }
}
