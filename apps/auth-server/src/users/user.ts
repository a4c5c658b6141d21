export const Permissions = { accessControl: 'access_control' } as const;
export type Permission = (typeof Permissions)[keyof typeof Permissions];
export const ALL_PERMISSIONS: readonly string[] = Object.values(Permissions);

/** The domain view of a user; the password hash never leaves the users module. */
export interface User {
  id: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
