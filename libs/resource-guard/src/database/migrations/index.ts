import { ResourceSchema1763900000000 } from './1763900000000-resource-schema.js';

/** The registry's tables; a host sharing its database with the guard runs these first, then its own. */
export const registryMigrations = [ResourceSchema1763900000000];
