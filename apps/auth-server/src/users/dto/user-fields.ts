import { applyDecorators } from '@nestjs/common';
import { ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { ALL_PERMISSIONS } from '../../common/permissions.js';

/**
 * 1 to 64 characters, none of them ':' (it would break HTTP Basic, RFC 7617 §2), whitespace,
 * control, format (invisible) characters or lone surrogates, so that two usernames never look alike.
 */
export const USERNAME_PATTERN = /^[^:\s\p{Cc}\p{Cf}\p{Cs}]{1,64}$/u;

export function UsernameField(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(USERNAME_PATTERN, { message: 'username must be 1 to 64 characters without ":", whitespace or control characters' }),
  );
}

export function PasswordField(): PropertyDecorator {
  return applyDecorators(IsString(), Length(8, 1024, { message: 'password must be 8 to 1024 characters long' }));
}

export function PermissionsField(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayUnique({ message: 'permissions must not repeat a permission' }),
    IsIn(ALL_PERMISSIONS, { each: true, message: `each permission must be one of: ${ALL_PERMISSIONS.join(', ')}` }),
  );
}
