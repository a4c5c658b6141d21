import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { ClientScopesService } from './client-scopes.service.js';
import { AssociateScopesDto } from './dto/associate-scopes.dto.js';
import { CreateScopeDto } from './dto/create-scope.dto.js';
import type { ScopeView } from './scope.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { SCOPE_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: clients')
@Controller('admin/v1/clients/:clientId/scopes')
export class ClientScopesController {
  constructor(private readonly associations: ClientScopesService) {}

  @ApiOperation({ summary: 'Scopes associated with the client' })
  @ApiQueryDto(PageQuery)
  @ApiPageResponse(SCOPE_VIEW)
  @ApiProblems(400, 404)
  @Get()
  list(@Param('clientId') clientId: string, @Query() query: PageQuery): Promise<Page<ScopeView>> {
    return this.associations.scopesOf(clientId, query.limit, query.cursor);
  }

  @ApiOperation({ summary: 'Create a scope and associate it with the client in one step' })
  @ApiCreatedResponse({ schema: SCOPE_VIEW })
  @ApiProblems(400, 404, 409)
  @Post()
  createAndAssociate(@Param('clientId') clientId: string, @Body() dto: CreateScopeDto): Promise<ScopeView> {
    return this.associations.createAndAssociate(clientId, dto.name, dto.description, dto.requiredPermission ?? null);
  }

  @ApiOperation({ summary: 'Associate several existing scopes in one transaction (idempotent; an unknown one: 400, nothing associated)' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  @Patch()
  @HttpCode(204)
  associateAll(@Param('clientId') clientId: string, @Body() dto: AssociateScopesDto): Promise<void> {
    return this.associations.associateAll(clientId, dto.associate);
  }

  @ApiOperation({ summary: 'Associate a scope (idempotent)' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Put(':name')
  @HttpCode(204)
  associate(@Param('clientId') clientId: string, @Param('name') name: string): Promise<void> {
    return this.associations.associate(clientId, name);
  }

  @ApiOperation({ summary: 'Disassociate a scope' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':name')
  @HttpCode(204)
  disassociate(@Param('clientId') clientId: string, @Param('name') name: string): Promise<void> {
    return this.associations.disassociate(clientId, name);
  }
}
