import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { CLIENT_ACTIVITY_VIEW, DASHBOARD_VIEW } from './dashboard.schemas.js';
import { DashboardService, type ClientActivity, type Dashboard } from './dashboard.service.js';

/** The console's landing page and the clients' sparklines: the last hour, per minute, summed over every instance. */
@AdminApi()
@ApiTags('admin: dashboard')
@Controller('admin/v1')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @ApiOperation({ summary: 'Tokens issued and refused per minute, clients, resource-server sync, latest audit events' })
  @ApiOkResponse({ schema: DASHBOARD_VIEW })
  @Get('dashboard')
  get(): Promise<Dashboard> {
    return this.dashboard.dashboard();
  }

  @ApiOperation({ summary: "A client's tokens per minute over the last hour" })
  @ApiOkResponse({ schema: CLIENT_ACTIVITY_VIEW })
  @ApiProblems(404)
  @Get('clients/:clientId/activity')
  activity(@Param('clientId') clientId: string): Promise<ClientActivity> {
    return this.dashboard.clientActivity(clientId);
  }
}
