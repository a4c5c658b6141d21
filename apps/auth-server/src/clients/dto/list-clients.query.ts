import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { NO_NUL } from './client-fields.js';

/** GET /admin/v1/clients?name=&active=&limit=&cursor= ; name matches case-insensitively as a substring. */
export class ListClientsQuery extends PageQuery {
  @IsOptional() @IsString() @Length(1, 255) @Matches(NO_NUL, { message: 'name must not contain NUL characters' })
  name?: string;

  @IsOptional() @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}
