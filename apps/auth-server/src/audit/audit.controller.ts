import { Controller, Get, Query } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import type { Page } from '../common/pagination.js';
import type { AuditEvent } from './audit-event.js';
import { AuditQueryService } from './audit-query.service.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListAuditQuery } from '#audit';
import { ApiPageResponse, ApiProblems, ApiQueryDto } from '#operability';
import { AUDIT_EVENT_VIEW } from '../openapi/schemas.js';

/** The audit trail, newest first. Read-only: nothing in the API changes or deletes audit rows. */
@AdminApi()
@ApiTags('admin: audit')
@Controller('admin/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @ApiOperation({ summary: 'The audit trail, newest first' })
  @ApiQueryDto(ListAuditQuery)
  @ApiPageResponse(AUDIT_EVENT_VIEW)
  @ApiProblems(400)
  @Get()
  list(@Query() query: ListAuditQuery): Promise<Page<AuditEvent>> {
    return this.audit.list(query);
  }
}
