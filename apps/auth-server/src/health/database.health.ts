import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseStatus } from '#database';

/** Ready needs PostgreSQL: every endpoint but the JWKS reads or writes it. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly database: DatabaseStatus,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult<'database'>> {
    const indicator = this.indicators.check('database');
    try {
      await this.database.ping();
      return indicator.up();
    } catch {
      return indicator.down('the database is unreachable');
    }
  }
}
