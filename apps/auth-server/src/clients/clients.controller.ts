import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import type { Page } from '../common/pagination.js';
import { ClientSecretRotation } from './client-secret-rotation.service.js';
import type { ClientView } from './client.view.js';
import { ClientsAdminService } from './clients-admin.service.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { ListClientsQuery } from './dto/list-clients.query.js';
import { RegenerateSecretDto } from './dto/regenerate-secret.dto.js';
import { UpdateClientDto } from './dto/update-client.dto.js';

@AdminApi()
@Controller('admin/v1/clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsAdminService,
    private readonly secrets: ClientSecretRotation,
  ) {}

  @Post()
  create(@Body() dto: CreateClientDto): Promise<ClientView> {
    return this.clients.create(dto);
  }

  @Get()
  list(@Query() query: ListClientsQuery): Promise<Page<ClientView>> {
    return this.clients.list({ name: query.name, active: query.active === undefined ? undefined : query.active === 'true' }, query.limit, query.cursor);
  }

  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<ClientView> {
    return this.clients.get(clientId);
  }

  @Patch(':clientId')
  update(@Param('clientId') clientId: string, @Body() dto: UpdateClientDto): Promise<ClientView> {
    return this.clients.update(clientId, dto);
  }

  @Delete(':clientId')
  @HttpCode(204)
  delete(@Param('clientId') clientId: string): Promise<void> {
    return this.clients.delete(clientId);
  }

  @Post(':clientId/secret')
  @HttpCode(200)
  regenerateSecret(@Param('clientId') clientId: string, @Body() dto: RegenerateSecretDto): Promise<{ clientSecret: string }> {
    return this.secrets.regenerate(clientId, dto.previousSecretValidForSeconds);
  }
}
