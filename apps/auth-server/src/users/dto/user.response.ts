import type { Page } from '../../common/pagination.js';
import type { Permission } from '../../common/permissions.js';
import type { UserProfile } from '../profile/user-profile.js';
import type { User } from '../user.js';

/** The wire shape of a user: never the password or its hash. */
export interface UserResponse {
  id: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  profile: UserProfile;
  createdAt: string;
  updatedAt: string;
}

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    username: user.username,
    permissions: user.permissions,
    active: user.active,
    profile: user.profile,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function toUserPage(page: Page<User>): Page<UserResponse> {
  return { items: page.items.map(toUserResponse), nextCursor: page.nextCursor };
}
