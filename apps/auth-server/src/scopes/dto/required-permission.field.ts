import { applyDecorators } from '@nestjs/common';
import { IsIn, ValidateIf } from 'class-validator';
import { ALL_PERMISSIONS } from '../../common/permissions.js';

/** A known user permission, or null (no permission needed); absent means "unchanged" or null. */
export function RequiredPermissionField(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_, value) => value !== undefined && value !== null),
    IsIn(ALL_PERMISSIONS, { message: `requiredPermission must be null or one of: ${ALL_PERMISSIONS.join(', ')}` }),
  );
}
