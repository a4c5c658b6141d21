import { registryMigrations } from '#resource-guard';
import { AdminRoutes1764800000000 } from './1764800000000-admin-routes.js';
import { AdminAudit1765300000000 } from './1765300000000-admin-audit.js';
import { RsActivityMinutes1766900000100 } from './1766900000100-activity-minutes.js';

/**
 * Every migration of the resource server's own database, in order: the registry's tables
 * (libs/resource-guard, 1763900000000), then the resource server's own. Add new ones at the end.
 */
export const resourceServerMigrations = [...registryMigrations, AdminRoutes1764800000000, AdminAudit1765300000000, RsActivityMinutes1766900000100];
