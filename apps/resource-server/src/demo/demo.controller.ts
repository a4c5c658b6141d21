import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { AuthenticatedAccess } from '../auth/access-token.js';
import { CurrentAccess, RequireScopes } from '../auth/require-scopes.decorator.js';
import { DemoReportsService, type Report } from './demo-reports.service.js';
import { CreateReportBody } from './create-report.body.js';

/** The demo protected API (CONTRACT "Resource server"). */
@Controller('api')
export class DemoController {
  constructor(private readonly reports: DemoReportsService) {}

  @Get('me')
  @RequireScopes()
  me(@CurrentAccess() access: AuthenticatedAccess): { sub: string; clientId: string; scopes: string[] } {
    return { sub: access.sub, clientId: access.clientId, scopes: access.effectiveScopes };
  }

  @Get('reports')
  @RequireScopes('reports.read')
  list(): Report[] {
    return this.reports.list();
  }

  @Post('reports')
  @HttpCode(201)
  @RequireScopes('reports.write')
  create(@CurrentAccess() access: AuthenticatedAccess, @Body() body: CreateReportBody): Report {
    return this.reports.create(body.title, access.clientId);
  }
}
