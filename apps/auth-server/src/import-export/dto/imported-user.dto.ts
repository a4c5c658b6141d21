import { IsBoolean, IsOptional, IsString, ValidateBy, ValidateIf } from 'class-validator';
import type { Permission } from '../../common/permissions.js';
import { ProfileBody, ProfileField } from '../../users/dto/profile.body.js';
import { PermissionsField, UsernameField } from '../../users/dto/user-fields.js';
import { isVerifiablePasswordHash, PASSWORD_HASH_MESSAGE } from '../password-hash-format.js';

/** One user of an import: never a password in the clear, a hash Portcullis verifies or none. */
export class ImportedUserDto {
  @UsernameField()
  username!: string;

  @ValidateIf((_, value) => value !== undefined)
  @PermissionsField()
  permissions?: Permission[];

  @IsOptional() @IsBoolean()
  active?: boolean;

  @ProfileField()
  profile?: ProfileBody;

  /** null or absent: a new user cannot log in until an admin sets a password; an existing one keeps theirs. */
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @ValidateBy({ name: 'isVerifiablePasswordHash', validator: { validate: (value) => typeof value === 'string' && isVerifiablePasswordHash(value), defaultMessage: () => PASSWORD_HASH_MESSAGE } })
  passwordHash?: string | null;
}
