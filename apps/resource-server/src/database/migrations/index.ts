import { ResourceSchema1763900000000 } from './1763900000000-resource-schema.js';

/** Every migration of the resource server's own database, in order. Add new ones at the end. */
export const resourceServerMigrations = [ResourceSchema1763900000000];
