import { ValidateIf } from 'class-validator';
import type { Permission } from '../../common/permissions.js';
import { ProfileBody, ProfileField } from './profile.body.js';
import { PasswordField, PermissionsField, UsernameField } from './user-fields.js';

/** POST /admin/v1/users. Anything else in the body is rejected by the global pipe (mass assignment). */
export class CreateUserBody {
  @UsernameField()
  username!: string;

  @PasswordField()
  password!: string;

  /** Optional, but an explicit null is an error rather than "no permissions". */
  @ValidateIf((_, value) => value !== undefined)
  @PermissionsField()
  permissions?: Permission[];

  /** OpenID Connect standard claims (userinfo). */
  @ProfileField()
  profile?: ProfileBody;
}
