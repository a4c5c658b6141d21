import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { WorkerMetrics } from './cluster/worker-metrics.js';

/**
 * The app's own prom-client registry. Not the global default one: the launcher runs both apps in
 * one process and tests restart them, so global registration would collide on metric names.
 */
@Injectable()
export class MetricsRegistry implements OnModuleDestroy {
  readonly registry = new Registry();
  /** Set in a worker of AUTH_WORKERS: a scrape answers for the whole pool. */
  private readonly worker = WorkerMetrics.attach(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** What GET /metrics serves: this process's metrics, or its worker pool's aggregate. */
  scrape(): Promise<string> {
    return this.worker ? this.worker.scrape() : this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.worker?.detach();
  }
}
