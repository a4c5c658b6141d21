import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ApiProblems } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { INITIAL_ACCESS_TOKEN } from '../openapi/schemas.js';
import { generateRegistrationToken, hashRegistrationToken } from './registration-token.js';
import { RegistrationRepository } from './registration.repository.js';

/** Thirty days: an initial access token is handed to a developer for a rollout, not kept for years. */
export const MAX_INITIAL_ACCESS_TOKEN_SECONDS = 30 * 24 * 3600;
export const MAX_INITIAL_ACCESS_TOKEN_USES = 10_000;

export class CreateInitialAccessTokenDto {
  @IsInt()
  @Min(1)
  @Max(MAX_INITIAL_ACCESS_TOKEN_SECONDS)
  expiresInSeconds!: number;

  @IsInt()
  @Min(1)
  @Max(MAX_INITIAL_ACCESS_TOKEN_USES)
  maxUses!: number;
}

export interface InitialAccessTokenView {
  id: string;
  /** Shown in this answer only: stored as its SHA-256. */
  token: string;
  expiresAt: string;
  maxUses: number;
}

/** RFC 7591 §3 initial access tokens, for the dynamicRegistration setting "initial-access-token". */
@AdminApi()
@ApiTags('admin: registration')
@Controller('admin/v1/initial-access-tokens')
export class InitialAccessTokensController {
  constructor(private readonly repository: RegistrationRepository) {}

  @ApiOperation({ summary: 'Issue an initial access token for /oauth/register (shown only in this answer)' })
  @ApiCreatedResponse({ schema: INITIAL_ACCESS_TOKEN })
  @ApiProblems(400)
  @Post()
  @HttpCode(201)
  async create(@Body() dto: CreateInitialAccessTokenDto): Promise<InitialAccessTokenView> {
    const token = generateRegistrationToken();
    const { id, expiresAt } = await this.repository.insertInitialAccessToken(hashRegistrationToken(token), dto.expiresInSeconds, dto.maxUses);
    return { id, token, expiresAt: expiresAt.toISOString(), maxUses: dto.maxUses };
  }
}
