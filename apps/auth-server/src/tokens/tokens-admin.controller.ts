import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NO_NUL } from '../clients/dto/client-fields.js';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import type { GrantRecord } from './grant.js';
import { TokensAdminService } from './tokens-admin.service.js';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { GRANT_VIEW } from '../openapi/schemas.js';

export class ListTokensQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL, { message: 'clientId must not contain NUL characters' })
  clientId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL, { message: 'username must not contain NUL characters' })
  username?: string;
}

export interface TokenResponseItem {
  id: string;
  clientId: string;
  username: string | null;
  grant: string;
  scopes: string[];
  issuedAt: string;
  expiresAt: string | null;
  refresh: null | { remaining: number | 'unlimited' };
}

function toItem(grant: GrantRecord): TokenResponseItem {
  return {
    id: grant.id,
    clientId: grant.clientId,
    username: grant.username,
    grant: grant.grantType,
    scopes: grant.scopes,
    issuedAt: grant.issuedAt.toISOString(),
    expiresAt: grant.accessExpiresAt?.toISOString() ?? null,
    refresh: !grant.hasRefreshToken ? null : { remaining: grant.refreshUnlimited ? 'unlimited' : (grant.refreshRemaining ?? 0) },
  };
}

@AdminApi()
@ApiTags('admin: tokens')
@Controller('admin/v1')
export class TokensAdminController {
  constructor(private readonly tokens: TokensAdminService) {}

  @ApiOperation({ summary: 'List grants (token values are never shown)' })
  @ApiQueryDto(ListTokensQuery)
  @ApiPageResponse(GRANT_VIEW)
  @ApiProblems(400)
  @Get('tokens')
  async list(@Query() query: ListTokensQuery): Promise<Page<TokenResponseItem>> {
    const page = await this.tokens.list(query);
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  @ApiOperation({ summary: 'Invalidate an access token and its refresh token' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete('tokens/:id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    await this.tokens.revoke(id);
  }

  @ApiOperation({ summary: "Invalidate all of a client's tokens" })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete('clients/:clientId/tokens')
  @HttpCode(204)
  async revokeAllOfClient(@Param('clientId') clientId: string): Promise<void> {
    await this.tokens.revokeAllOfClient(clientId);
  }
}
