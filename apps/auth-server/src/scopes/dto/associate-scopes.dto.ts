import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsString, Matches } from 'class-validator';
import { SCOPE_NAME } from '#oauth';
import { MAX_PAGE_SIZE } from '../../common/pagination.js';

/** PATCH /admin/v1/clients/{clientId}/scopes: existing scopes to associate, all or none. At most a page of them. */
export class AssociateScopesDto {
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(MAX_PAGE_SIZE) @ArrayUnique()
  @IsString({ each: true }) @Matches(SCOPE_NAME, { each: true, message: 'each scope name must be an RFC 6749 scope-token of 1 to 128 characters' })
  associate!: string[];
}
