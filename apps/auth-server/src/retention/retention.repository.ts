import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RETENTION_RULES, type RetentionTable } from './retention-rules.js';

/**
 * The retention job's statements. Each is a single autocommitted statement, so nothing is held
 * between two of them: no session state (advisory locks, SET) that PgBouncer's transaction mode
 * would hand to another client, no transaction spanning a run.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Removes at most `batchSize` rows of `table` that nothing needs any more; resolves to how many. */
  async removeBatch(table: RetentionTable, batchSize: number, auditRetentionDays: number): Promise<number> {
    const rule = RETENTION_RULES[table];
    const rows: { removed: number }[] = await this.dataSource.query(rule.statement, rule.withAuditDays ? [batchSize, auditRetentionDays] : [batchSize]);
    return rows[0].removed;
  }
}
