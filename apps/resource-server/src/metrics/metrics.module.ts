import { Global, Module } from '@nestjs/common';
import { OperabilityModule } from '#operability';
import { RegistryModule } from '../registry/registry.module.js';
import { RsMetrics } from './rs-metrics.js';

/** GET /metrics (shared HTTP and pool metrics) plus sync and JWKS metrics; global so sync and auth code can count. */
@Global()
@Module({ imports: [OperabilityModule, RegistryModule], providers: [RsMetrics], exports: [RsMetrics] })
export class RsMetricsModule {}
