import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiProblems, ApiQueryDto } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { RESOURCE_VIEW } from '../openapi/schemas.js';
import { CreateResourceDto } from './dto/create-resource.dto.js';
import { UpdateResourceDto } from './dto/update-resource.dto.js';
import type { ResourceView } from './resource.js';
import { ResourcesService } from './resources.service.js';

/** RFC 8707 resources: the APIs tokens are issued for (CONTRACT "Privileged scopes and token audiences"). */
@AdminApi()
@ApiTags('admin: resources')
@Controller('admin/v1/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @ApiOperation({ summary: 'Register a resource' })
  @ApiCreatedResponse({ schema: RESOURCE_VIEW })
  @ApiProblems(400, 409)
  @Post()
  create(@Body() dto: CreateResourceDto): Promise<ResourceView> {
    return this.resources.create({
      identifier: dto.identifier,
      name: dto.name,
      scopes: dto.scopes ?? [],
      accessTokenLifetimeSeconds: dto.accessTokenLifetimeSeconds ?? null,
      clientId: dto.clientId ?? null,
    });
  }

  @ApiOperation({ summary: 'List resources' })
  @ApiQueryDto(PageQuery)
  @ApiPageResponse(RESOURCE_VIEW)
  @ApiProblems(400)
  @Get()
  list(@Query() query: PageQuery): Promise<Page<ResourceView>> {
    return this.resources.list(query.limit, query.cursor);
  }

  @ApiOperation({ summary: 'Get a resource' })
  @ApiOkResponse({ schema: RESOURCE_VIEW })
  @ApiProblems(404)
  @Get(':id')
  get(@Param('id') id: string): Promise<ResourceView> {
    return this.resources.get(id);
  }

  @ApiOperation({ summary: 'Change a resource' })
  @ApiOkResponse({ schema: RESOURCE_VIEW })
  @ApiProblems(400, 404, 409)
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateResourceDto): Promise<ResourceView> {
    return this.resources.update(id, (resource) => dto.mergedWith(resource));
  }

  @ApiOperation({ summary: 'Delete a resource' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id') id: string): Promise<void> {
    return this.resources.delete(id);
  }
}
