import { HealthEndpointsModule } from '#operability';
import { AuthModule, ExternalAsModule, RegistryModule } from '#resource-guard';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { RegistryHealthIndicator } from './registry.health.js';

/** GET /health/live and /health/ready (libs/operability); ready needs the registry, the signing keys and the event transport. */
export const HealthModule = HealthEndpointsModule.forApp({
  readinessSummary: 'Readiness: registry snapshot and signing keys loaded, event transport not cut off beyond the staleness budget',
  indicator: RegistryHealthIndicator,
  imports: [RegistryModule, AuthModule, ExternalAsModule, RouteAccessModule],
});
