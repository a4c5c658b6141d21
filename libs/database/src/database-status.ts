import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { poolOf } from './persistence.js';

/** The parts of a pg.Pool the pool gauges read. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The app's database connection as readiness, pollers and metrics see it, without TypeORM. */
@Injectable()
export class DatabaseStatus {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Connected (and migrated): false before start-up finished and after shutdown began. */
  get open(): boolean {
    return this.dataSource.isInitialized;
  }

  /** Resolves when the database answers; rejects when it does not. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** Connection pool usage (no query); undefined when there is no pg pool to read. */
  poolCounts(): PoolCounts | undefined {
    const pool: Partial<PoolCounts> | undefined = poolOf(this.dataSource);
    return typeof pool?.totalCount === 'number' ? (pool as PoolCounts) : undefined;
  }
}
