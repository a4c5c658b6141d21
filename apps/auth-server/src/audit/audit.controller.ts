import { Controller, Get, Query } from '@nestjs/common';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import { PageQuery, type Page } from '../common/pagination.js';
import type { AuditEvent } from './audit-event.js';
import { AuditQueryService } from './audit-query.service.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse, ApiProblems, ApiQueryDto } from '#operability';
import { AUDIT_EVENT_VIEW } from '../openapi/schemas.js';

export class ListAuditQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(128)
  action?: string;

  @IsOptional() @IsString() @MaxLength(256)
  actor?: string;

  @IsOptional() @IsString() @MaxLength(256)
  targetId?: string;

  @IsOptional() @IsISO8601({ strict: true })
  since?: string;

  @IsOptional() @IsISO8601({ strict: true })
  until?: string;
}

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
