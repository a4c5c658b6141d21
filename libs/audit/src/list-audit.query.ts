import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '#operability/pagination';

/** GET /admin/v1/audit's filters, at the auth server and at the resource server. */
export class ListAuditQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  action?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  actor?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  targetId?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}
