import { Module } from '@nestjs/common';
import { OperabilityModule } from '#operability';
import { GuardTelemetryModule, RegistryModule } from '#resource-guard';
import { RsMetrics } from './rs-metrics.js';

/** GET /metrics (shared HTTP and pool metrics) plus sync and JWKS metrics, counted from the guard's telemetry and the registry's events. */
@Module({ imports: [OperabilityModule, RegistryModule, GuardTelemetryModule], providers: [RsMetrics], exports: [RsMetrics] })
export class RsMetricsModule {}
