import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';

/** GET /admin/v1/users?limit&cursor&username (the username filter matches case-insensitively). */
export class ListUsersQuery extends PageQuery {
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(64)
  username?: string;
}
