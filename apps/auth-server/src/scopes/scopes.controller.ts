import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import type { ClientView } from '../clients/client.view.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { ClientScopesService } from './client-scopes.service.js';
import { CreateScopeDto } from './dto/create-scope.dto.js';
import { UpdateScopeDto } from './dto/update-scope.dto.js';
import type { ScopeView } from './scope.js';
import { ScopesService } from './scopes.service.js';

@AdminApi()
@Controller('admin/v1/scopes')
export class ScopesController {
  constructor(
    private readonly scopes: ScopesService,
    private readonly associations: ClientScopesService,
  ) {}

  @Post()
  create(@Body() dto: CreateScopeDto): Promise<ScopeView> {
    return this.scopes.create(dto.name, dto.description);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<ScopeView>> {
    return this.scopes.list(query.limit, query.cursor);
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<ScopeView> {
    return this.scopes.get(name);
  }

  @Patch(':name')
  update(@Param('name') name: string, @Body() dto: UpdateScopeDto): Promise<ScopeView> {
    return this.scopes.update(name, dto.description);
  }

  @Delete(':name')
  @HttpCode(204)
  delete(@Param('name') name: string): Promise<void> {
    return this.scopes.delete(name);
  }

  @Get(':name/clients')
  clients(@Param('name') name: string, @Query() query: PageQuery): Promise<Page<ClientView>> {
    return this.associations.clientsOf(name, query.limit, query.cursor);
  }
}
