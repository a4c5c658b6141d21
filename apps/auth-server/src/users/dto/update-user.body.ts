import { IsBoolean, ValidateIf } from 'class-validator';
import type { Permission } from '../../common/permissions.js';
import { ProfileBody, ProfileField } from './profile.body.js';
import { PasswordField, PermissionsField } from './user-fields.js';

const present = (_: object, value: unknown): boolean => value !== undefined;

/** PATCH /admin/v1/users/{id}: the username is immutable, so it (like any other field) is a 400. */
export class UpdateUserBody {
  @ValidateIf(present)
  @PasswordField()
  password?: string;

  @ValidateIf(present)
  @IsBoolean()
  active?: boolean;

  @ValidateIf(present)
  @PermissionsField()
  permissions?: Permission[];

  /** Merged into the stored profile: claims left out stay, a null claim is removed, null removes them all. */
  @ProfileField()
  profile?: ProfileBody;
}
