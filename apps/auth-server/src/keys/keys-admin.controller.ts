import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import { KeyStore } from './key-store.js';
import { statusOf, type SigningKeyStatus } from './signing-key.js';

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
@Controller('admin/v1/keys')
export class KeysAdminController {
  constructor(private readonly keys: KeyStore) {}

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

  @Post('rotate')
  @HttpCode(201)
  async rotate(@Body() body: RotateKeysBody = {}): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate(body?.activationDelaySeconds) };
  }
}
