import { Global, Module } from '@nestjs/common';
import { OperabilityModule } from '../../../../libs/operability/src/index.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RsMetrics } from './rs-metrics.js';

/** GET /metrics (shared HTTP and pool metrics) plus sync and JWKS metrics; global so sync and auth code can count. */
@Global()
@Module({ imports: [OperabilityModule, RegistryModule], providers: [RsMetrics], exports: [RsMetrics] })
export class RsMetricsModule {}
