import { IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ValidationProblem } from '#errors';
import type { ScopeChanges } from '../scope.js';
import { RequiredPermissionField } from './required-permission.field.js';

/**
 * PATCH /admin/v1/scopes/{name}: the description and the required permission change; a scope is
 * renamed by recreating it. An absent field stays as it is.
 */
export class UpdateScopeDto {
  @ValidateIf((_, value) => value !== undefined)
  @IsString() @MaxLength(1000) @Matches(/^[^\x00]*$/, { message: 'description must not contain NUL characters' })
  description?: string;

  @RequiredPermissionField()
  requiredPermission?: string | null;

  changes(): ScopeChanges {
    const changes: ScopeChanges = {};
    if (this.description !== undefined) changes.description = this.description;
    if (this.requiredPermission !== undefined) changes.requiredPermission = this.requiredPermission;
    if (Object.keys(changes).length === 0) throw ValidationProblem.field('body', 'give at least one of description, requiredPermission');
    return changes;
  }
}
