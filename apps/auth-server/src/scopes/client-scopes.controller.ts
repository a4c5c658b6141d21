import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { ClientScopesService } from './client-scopes.service.js';
import { CreateScopeDto } from './dto/create-scope.dto.js';
import type { ScopeView } from './scope.js';

@AdminApi()
@Controller('admin/v1/clients/:clientId/scopes')
export class ClientScopesController {
  constructor(private readonly associations: ClientScopesService) {}

  @Get()
  list(@Param('clientId') clientId: string, @Query() query: PageQuery): Promise<Page<ScopeView>> {
    return this.associations.scopesOf(clientId, query.limit, query.cursor);
  }

  @Post()
  createAndAssociate(@Param('clientId') clientId: string, @Body() dto: CreateScopeDto): Promise<ScopeView> {
    return this.associations.createAndAssociate(clientId, dto.name, dto.description);
  }

  @Put(':name')
  @HttpCode(204)
  associate(@Param('clientId') clientId: string, @Param('name') name: string): Promise<void> {
    return this.associations.associate(clientId, name);
  }

  @Delete(':name')
  @HttpCode(204)
  disassociate(@Param('clientId') clientId: string, @Param('name') name: string): Promise<void> {
    return this.associations.disassociate(clientId, name);
  }
}
