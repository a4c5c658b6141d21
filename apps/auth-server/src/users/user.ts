import type { Permission } from '../common/permissions.js';
import type { UserProfile } from './profile/user-profile.js';

/** The domain view of a user; the password hash never leaves the users module. */
export interface User {
  id: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  /** OpenID Connect standard claims; {} when none. */
  profile: UserProfile;
  createdAt: Date;
  updatedAt: Date;
}
