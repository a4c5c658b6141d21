import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type AuthenticatedAccess, CurrentAccess, RequireScopes } from '#resource-guard';
import { FastLane } from '../auth/fast-lane.js';
import { DemoReportsService, type Report } from './demo-reports.service.js';
import { CreateReportBody } from './create-report.body.js';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiOAuthErrors } from '#operability';
import { ME, REPORT } from '../openapi/schemas.js';

/** The demo protected API (CONTRACT "Resource server"). */
@ApiTags('demo API')
@ApiOAuthErrors(401, 403, 503)
@Controller('api')
export class DemoController {
  constructor(private readonly reports: DemoReportsService) {}

  @ApiOperation({ summary: 'The caller as the token describes it (any valid token)' })
  @ApiOkResponse({ schema: ME })
  @Get('me')
  @RequireScopes()
  @FastLane()
  me(@CurrentAccess() access: AuthenticatedAccess): { sub: string; clientId: string; scopes: string[] } {
    return { sub: access.sub, clientId: access.clientId, scopes: access.effectiveScopes };
  }

  @ApiOperation({ summary: 'List reports (scope reports.read)' })
  @ApiOkResponse({ schema: { type: 'array', items: REPORT } })
  @Get('reports')
  @RequireScopes('reports.read')
  list(): Report[] {
    return this.reports.list();
  }

  @ApiOperation({ summary: 'Create a report (scope reports.write)' })
  @ApiCreatedResponse({ schema: REPORT })
  @ApiOAuthErrors(400)
  @Post('reports')
  @HttpCode(201)
  @RequireScopes('reports.write')
  create(@CurrentAccess() access: AuthenticatedAccess, @Body() body: CreateReportBody): Report {
    return this.reports.create(body.title, access.clientId);
  }
}
