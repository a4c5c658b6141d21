import { ConflictProblem } from '#errors';
import { Permissions } from '../common/permissions.js';
import type { User } from './user.js';

/** What a user looks like after a change; null when the user is deleted. */
export type UserAfterChange = Pick<User, 'active' | 'permissions'> | null;

export function isActiveAdmin(user: Pick<User, 'active' | 'permissions'>): boolean {
  return user.active && user.permissions.includes(Permissions.accessControl);
}

/**
 * Nobody could reach the admin API any more if the last active user with access_control were
 * deleted, deactivated or lost the permission, so that change is refused (409).
 * `activeAdminIds` must have been read under lock in the same transaction as the change.
 */
export function assertAnAdminRemains(userId: string, after: UserAfterChange, activeAdminIds: readonly string[]): void {
  const stillAdmin = after !== null && isActiveAdmin(after);
  const othersRemain = activeAdminIds.some((id) => id !== userId);
  if (!stillAdmin && !othersRemain) {
    throw new ConflictProblem('this is the last active user with the permission access_control; it cannot be deleted, deactivated or lose that permission');
  }
}
