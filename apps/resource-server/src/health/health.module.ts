import { HealthEndpointsModule } from '#operability';
import { ExternalAsModule, RegistryModule } from '#resource-guard';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { RegistryHealthIndicator } from './registry.health.js';

/** GET /health/live and /health/ready (libs/operability); ready needs the registry and its event transport. */
export const HealthModule = HealthEndpointsModule.forApp({
  readinessSummary: 'Readiness: registry snapshot loaded, event transport not cut off beyond the staleness budget',
  indicator: RegistryHealthIndicator,
  imports: [RegistryModule, ExternalAsModule, RouteAccessModule],
});
