import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import type { Page } from '../common/pagination.js';
import { ListTokensQuery } from './dto/list-tokens.query.js';
import { toTokenPage, type TokenResponseItem } from './dto/token.response.js';
import { TokensAdminService } from './tokens-admin.service.js';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { GRANT_VIEW } from '../openapi/schemas.js';

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
    return toTokenPage(await this.tokens.list(query));
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
