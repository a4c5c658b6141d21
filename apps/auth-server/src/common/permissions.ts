/** The user permissions (CONTRACT.md): the users module stores them, the admin API, scopes and the console check them. */
export const Permissions = { accessControl: 'access_control' } as const;
export type Permission = (typeof Permissions)[keyof typeof Permissions];
export const ALL_PERMISSIONS: readonly string[] = Object.values(Permissions);
