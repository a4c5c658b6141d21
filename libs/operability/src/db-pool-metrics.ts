import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DatabaseStatus, type PoolCounts } from '#database';
import { MetricsRegistry } from './metrics-registry.js';

/** Connection pool usage, read from the pg pool at scrape time (no query). */
@Injectable()
export class DbPoolMetrics {
  constructor(database: DatabaseStatus, metrics: MetricsRegistry) {
    const gauge = (name: string, help: string, read: (p: PoolCounts) => number): void => {
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        collect() {
          const current = database.poolCounts();
          if (current) this.set(read(current));
        },
      });
    };
    gauge('db_pool_connections_total', 'Connections open in the database pool', (p) => p.totalCount);
    gauge('db_pool_connections_in_use', 'Pool connections checked out', (p) => p.totalCount - p.idleCount);
    gauge('db_pool_connections_idle', 'Pool connections idle', (p) => p.idleCount);
    gauge('db_pool_waiting_clients', 'Queries waiting for a pool connection', (p) => p.waitingCount);
  }
}
