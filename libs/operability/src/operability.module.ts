import { Module } from '@nestjs/common';
import { DbPoolMetrics } from './db-pool-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics-registry.js';
import { RouteCatalog } from './route-catalog.js';

/** GET /metrics, request latency, DB pool gauges; apps add their own metrics to MetricsRegistry. */
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, HttpMetrics, RouteCatalog, DbPoolMetrics],
  exports: [MetricsRegistry, RouteCatalog],
})
export class OperabilityModule {}
