import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListAuditQuery } from '#audit';
import { ApiPageResponse, ApiProblems, ApiQueryDto } from '#operability';
import type { Page } from '#operability/pagination';
import { RequireScopes } from '#resource-guard';
import { AdminAudit } from '../audit/admin-audit.js';
import type { RsAuditEvent } from '../audit/admin-audit-event.js';
import { RS_AUDIT_EVENT_VIEW } from '../openapi/schemas.js';
import { RS_ADMIN_SCOPE } from './rs-admin.controller.js';

/** This server's admin audit trail, newest first, paged as the auth server's. Read-only. */
@ApiTags('admin')
@ApiProblems(401, 403, 503)
@Controller('admin/v1/audit')
@RequireScopes(RS_ADMIN_SCOPE)
export class AuditAdminController {
  constructor(private readonly audit: AdminAudit) {}

  @ApiOperation({ summary: "This resource server's admin changes (routes, the local client switch), refused ones included, newest first" })
  @ApiQueryDto(ListAuditQuery)
  @ApiPageResponse(RS_AUDIT_EVENT_VIEW)
  @ApiProblems(400)
  @Get()
  list(@Query() query: ListAuditQuery): Promise<Page<RsAuditEvent>> {
    return this.audit.list(query);
  }
}
