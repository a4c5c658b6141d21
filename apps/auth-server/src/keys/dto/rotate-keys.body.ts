import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** POST /admin/v1/keys/rotate. */
export class RotateKeysBody {
  /** Seconds between publication and first signature (default 10); tests use 0. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3600)
  activationDelaySeconds?: number;
}
