import type { Permission } from '../common/permissions.js';

/** The domain view of a user; the password hash never leaves the users module. */
export interface User {
  id: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
