import { HealthEndpointsModule } from '#operability';
import { DatabaseHealthIndicator } from './database.health.js';

/** GET /health/live and /health/ready (libs/operability); ready needs the database. */
export const HealthModule = HealthEndpointsModule.forApp({ readinessSummary: 'Readiness: the database answers', indicator: DatabaseHealthIndicator });
