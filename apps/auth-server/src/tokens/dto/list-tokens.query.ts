import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NO_NUL } from '../../clients/dto/client-fields.js';
import { PageQuery } from '../../common/pagination.js';

/** GET /admin/v1/tokens: a page of grants, optionally of one client or user. */
export class ListTokensQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL, { message: 'clientId must not contain NUL characters' })
  clientId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(NO_NUL, { message: 'username must not contain NUL characters' })
  username?: string;
}
