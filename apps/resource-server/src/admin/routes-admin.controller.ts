import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import { type AuthenticatedAccess, CurrentAccess, RequireScopes } from '#resource-guard';
import { items, ROUTE_DEFINITION, ROUTE_PATCH, ROUTE_VIEW } from '../openapi/schemas.js';
import { RS_ADMIN_SCOPE } from './rs-admin.controller.js';
import type { RouteView } from './route-view.js';
import { RoutesAdminService } from './routes-admin.service.js';

/**
 * Gateway and forward-auth routes (CONTRACT "Putting real APIs behind the resource server").
 * Bodies are the route-file shape, checked by the route rules (routes-admin.service.ts), not by
 * a DTO: the same field errors as RESOURCE_ROUTES_FILE.
 */
@ApiTags('admin')
@ApiProblems(401, 403, 503)
@Controller('admin/v1/routes')
@RequireScopes(RS_ADMIN_SCOPE)
export class RoutesAdminController {
  constructor(private readonly service: RoutesAdminService) {}

  @ApiOperation({ summary: 'The effective route table: RESOURCE_ROUTES_FILE (source "file", read-only here) and the routes added here (source "api")' })
  @ApiOkResponse({ schema: items(ROUTE_VIEW) })
  @Get()
  list(): { items: RouteView[] } {
    return { items: this.service.list() };
  }

  @ApiOperation({ summary: 'Add a route; /auth/verify and the gateway follow it at once (other instances within about a second)' })
  @ApiBody({ schema: ROUTE_DEFINITION })
  @ApiCreatedResponse({ schema: ROUTE_VIEW })
  @ApiProblems(400, 409)
  @Post()
  create(@Body() body: unknown, @CurrentAccess() access: AuthenticatedAccess): Promise<RouteView> {
    return this.service.create(body, access);
  }

  @ApiOperation({ summary: 'Change fields of a route added here (top-level fields replace, null resets one to its default); file routes: 409' })
  @ApiBody({ schema: ROUTE_PATCH })
  @ApiOkResponse({ schema: ROUTE_VIEW })
  @ApiProblems(400, 404, 409)
  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentAccess() access: AuthenticatedAccess): Promise<RouteView> {
    return this.service.update(id, body, access);
  }

  @ApiOperation({ summary: 'Remove a route added here; file routes: 409' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404, 409)
  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @CurrentAccess() access: AuthenticatedAccess): Promise<void> {
    return this.service.remove(id, access);
  }
}
