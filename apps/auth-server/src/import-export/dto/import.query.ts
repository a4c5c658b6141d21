import { IsIn, IsOptional } from 'class-validator';

/** POST /admin/v1/import?dryRun=true: plan and report, write nothing. */
export class ImportQuery {
  @IsOptional() @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}
