import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import type { Page } from '../common/pagination.js';
import { ClientSecretRotation } from './client-secret-rotation.service.js';
import type { ClientView } from './client.view.js';
import { ClientsAdminService } from './clients-admin.service.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { ListClientsQuery } from './dto/list-clients.query.js';
import { RegenerateSecretDto } from './dto/regenerate-secret.dto.js';
import { UpdateClientDto } from './dto/update-client.dto.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { CLIENT_SECRET, CLIENT_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: clients')
@Controller('admin/v1/clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsAdminService,
    private readonly secrets: ClientSecretRotation,
  ) {}

  @ApiOperation({ summary: 'Register a client (the secret is shown only in this answer)' })
  @ApiCreatedResponse({ schema: CLIENT_VIEW })
  @ApiProblems(400, 409)
  @Post()
  create(@Body() dto: CreateClientDto): Promise<ClientView> {
    return this.clients.create(dto);
  }

  @ApiOperation({ summary: 'List clients' })
  @ApiQueryDto(ListClientsQuery)
  @ApiPageResponse(CLIENT_VIEW)
  @ApiProblems(400)
  @Get()
  list(@Query() query: ListClientsQuery): Promise<Page<ClientView>> {
    return this.clients.list({ name: query.name, active: query.active === undefined ? undefined : query.active === 'true' }, query.limit, query.cursor);
  }

  @ApiOperation({ summary: 'Get a client' })
  @ApiOkResponse({ schema: CLIENT_VIEW })
  @ApiProblems(404)
  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<ClientView> {
    return this.clients.get(clientId);
  }

  @ApiOperation({ summary: 'Change a client (any field but name); active false invalidates its tokens' })
  @ApiOkResponse({ schema: CLIENT_VIEW })
  @ApiProblems(400, 404, 409)
  @Patch(':clientId')
  update(@Param('clientId') clientId: string, @Body() dto: UpdateClientDto): Promise<ClientView> {
    return this.clients.update(clientId, dto);
  }

  @ApiOperation({ summary: 'Delete a client, its tokens and scope associations' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':clientId')
  @HttpCode(204)
  delete(@Param('clientId') clientId: string): Promise<void> {
    return this.clients.delete(clientId);
  }

  @ApiOperation({ summary: 'Regenerate the secret, optionally keeping the old one valid for a while' })
  @ApiOkResponse({ schema: CLIENT_SECRET })
  @ApiProblems(400, 404)
  @Post(':clientId/secret')
  @HttpCode(200)
  regenerateSecret(@Param('clientId') clientId: string, @Body() dto: RegenerateSecretDto): Promise<{ clientSecret: string }> {
    return this.secrets.regenerate(clientId, dto.previousSecretValidForSeconds);
  }
}
