import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

/** GET /admin/v1/audit's filters. */
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
