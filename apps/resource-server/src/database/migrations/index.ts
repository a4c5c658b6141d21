import { registryMigrations } from '#resource-guard';
import { AdminRoutes1764800000000 } from './1764800000000-admin-routes.js';

/**
 * Every migration of the resource server's own database, in order: the registry's tables
 * (libs/resource-guard, 1763900000000), then the resource server's own. Add new ones at the end.
 */
export const resourceServerMigrations = [...registryMigrations, AdminRoutes1764800000000];
