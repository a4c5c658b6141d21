import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SCOPE_NAME } from '#oauth';
import { RequiredPermissionField } from './required-permission.field.js';

export const SCOPE_NAME_MESSAGE = 'name must be 1 to 128 characters from %x21 / %x23-5B / %x5D-7E (RFC 6749 scope-token: no space, " or \\)';

/** POST /admin/v1/scopes and POST /admin/v1/clients/{clientId}/scopes. */
export class CreateScopeDto {
  @IsString() @Matches(SCOPE_NAME, { message: SCOPE_NAME_MESSAGE })
  name!: string;

  @IsOptional() @IsString() @MaxLength(1000) @Matches(/^[^\x00]*$/, { message: 'description must not contain NUL characters' })
  description?: string;

  /** Issued to a user only while the user holds this permission (CONTRACT "Privileged scopes"). */
  @RequiredPermissionField()
  requiredPermission?: string | null;
}
