import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricsRegistry } from './metrics-registry.js';

/** The parts of a pg.Pool we read; TypeORM's postgres driver keeps its pool as `master`. */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Connection pool usage, read from the pg pool at scrape time (no query). */
@Injectable()
export class DbPoolMetrics {
  constructor(@InjectDataSource() dataSource: DataSource, metrics: MetricsRegistry) {
    const pool = (): PgPoolCounts | undefined => {
      const candidate = (dataSource.driver as unknown as { master?: Partial<PgPoolCounts> }).master;
      return typeof candidate?.totalCount === 'number' ? (candidate as PgPoolCounts) : undefined;
    };
    const gauge = (name: string, help: string, read: (p: PgPoolCounts) => number): void => {
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        collect() {
          const current = pool();
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
