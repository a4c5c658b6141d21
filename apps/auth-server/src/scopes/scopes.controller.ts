import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import type { ClientView } from '../clients/client.view.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { ClientScopesService } from './client-scopes.service.js';
import { CreateScopeDto } from './dto/create-scope.dto.js';
import { UpdateScopeDto } from './dto/update-scope.dto.js';
import type { ScopeView } from './scope.js';
import { ScopesService } from './scopes.service.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { CLIENT_VIEW, SCOPE_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: scopes')
@Controller('admin/v1/scopes')
export class ScopesController {
  constructor(
    private readonly scopes: ScopesService,
    private readonly associations: ClientScopesService,
  ) {}

  @ApiOperation({ summary: 'Create a scope' })
  @ApiCreatedResponse({ schema: SCOPE_VIEW })
  @ApiProblems(400, 409)
  @Post()
  create(@Body() dto: CreateScopeDto): Promise<ScopeView> {
    return this.scopes.create(dto.name, dto.description, dto.requiredPermission ?? null);
  }

  @ApiOperation({ summary: 'List scopes' })
  @ApiQueryDto(PageQuery)
  @ApiPageResponse(SCOPE_VIEW)
  @ApiProblems(400)
  @Get()
  list(@Query() query: PageQuery): Promise<Page<ScopeView>> {
    return this.scopes.list(query.limit, query.cursor);
  }

  @ApiOperation({ summary: 'Get a scope' })
  @ApiOkResponse({ schema: SCOPE_VIEW })
  @ApiProblems(404)
  @Get(':name')
  get(@Param('name') name: string): Promise<ScopeView> {
    return this.scopes.get(name);
  }

  @ApiOperation({ summary: 'Change the description or the required permission' })
  @ApiOkResponse({ schema: SCOPE_VIEW })
  @ApiProblems(400, 404)
  @Patch(':name')
  update(@Param('name') name: string, @Body() dto: UpdateScopeDto): Promise<ScopeView> {
    return this.scopes.update(name, dto.changes());
  }

  @ApiOperation({ summary: 'Delete a scope and its associations' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':name')
  @HttpCode(204)
  delete(@Param('name') name: string): Promise<void> {
    return this.scopes.delete(name);
  }

  @ApiOperation({ summary: 'Clients associated with the scope' })
  @ApiQueryDto(PageQuery)
  @ApiPageResponse(CLIENT_VIEW)
  @ApiProblems(400, 404)
  @Get(':name/clients')
  clients(@Param('name') name: string, @Query() query: PageQuery): Promise<Page<ClientView>> {
    return this.associations.clientsOf(name, query.limit, query.cursor);
  }
}
