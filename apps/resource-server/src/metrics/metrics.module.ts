import { Module } from '@nestjs/common';
import { OperabilityModule } from '#operability';
import { RegistryModule } from '../registry/registry.module.js';
import { RsMetrics } from './rs-metrics.js';

/** GET /metrics (shared HTTP and pool metrics) plus sync and JWKS metrics; imported where something counts (auth, bootstrap). */
@Module({ imports: [OperabilityModule, RegistryModule], providers: [RsMetrics], exports: [RsMetrics] })
export class RsMetricsModule {}
