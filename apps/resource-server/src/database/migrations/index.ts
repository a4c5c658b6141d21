import { ResourceSchema1763900000000 } from './1763900000000-resource-schema.js';
import { AdminRoutes1764800000000 } from './1764800000000-admin-routes.js';
import { AdminAudit1765300000000 } from './1765300000000-admin-audit.js';

/** Every migration of the resource server's own database, in order. Add new ones at the end. */
export const resourceServerMigrations = [ResourceSchema1763900000000, AdminRoutes1764800000000, AdminAudit1765300000000];
