import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_INT32, OnlyWhen } from './client-fields.js';

export class AccessTokenLifetimeDto {
  @IsIn(['global', 'never', 'seconds'])
  mode!: 'global' | 'never' | 'seconds';

  @ValidateIf((o: AccessTokenLifetimeDto) => o.mode === 'seconds' || o.seconds !== undefined)
  @OnlyWhen((o) => o.mode === 'seconds', 'seconds is allowed only with mode "seconds"')
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  seconds?: number;
}
