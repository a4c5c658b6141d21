import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_INT32, OnlyWhen } from './client-fields.js';

export class RefreshCountDto {
  @IsIn(['unlimited', 'limited'])
  mode!: 'unlimited' | 'limited';

  @ValidateIf((o: RefreshCountDto) => o.mode === 'limited' || o.limit !== undefined)
  @OnlyWhen((o) => o.mode === 'limited', 'limit is allowed only with mode "limited"')
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  limit?: number;
}
