import { IsIn, IsInt, Max, Min, ValidateIf } from 'class-validator';
import type { RefreshCount } from '../client.js';
import { MAX_INT32, OnlyWhen } from './client-fields.js';

/**
 * A limited count with no limit (absent or null) means none: the source documents leave the field
 * empty for "no refresh token" (issue 18). Only a real value is checked; -1, 1.5 or "3" stay a 400.
 */
export class RefreshCountDto {
  @IsIn(['unlimited', 'limited'])
  mode!: 'unlimited' | 'limited';

  /** null counts as absent (typed without it: the OpenAPI schema is built from the design type). */
  @ValidateIf((o: RefreshCountDto) => o.limit !== undefined && o.limit !== null)
  @OnlyWhen((o) => o.mode === 'limited', 'limit is allowed only with mode "limited"')
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  limit?: number;
}

/** The stored count of a validated body (a plain object when registration builds it). */
export function toRefreshCount(dto: RefreshCountDto): RefreshCount {
  return dto.mode === 'unlimited' ? { mode: 'unlimited' } : { mode: 'limited', limit: dto.limit ?? 0 };
}
