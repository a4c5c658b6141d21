import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RETENTION_RULES, type RetentionTable } from './retention-rules.js';

const LEASE_NAME = 'retention';

/**
 * The retention job's statements. Each is a single autocommitted statement, so nothing is held
 * between two of them: no session state (advisory locks, SET) that PgBouncer's transaction mode
 * would hand to another client, no transaction spanning a run.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes or extends the lease for `seconds`: true when `holder` holds it now. A lease row rather
   * than pg_try_advisory_lock, whose session lock PgBouncer's transaction mode cannot keep, and
   * which PGlite (one session for every connection) grants to everyone.
   */
  async holdLease(holder: string, seconds: number): Promise<boolean> {
    const rows: { holder: string }[] = await this.dataSource.query(
      `INSERT INTO maintenance_leases AS l (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < now() OR l.holder = EXCLUDED.holder
       RETURNING holder`,
      [LEASE_NAME, holder, seconds],
    );
    return rows.length === 1;
  }

  async releaseLease(holder: string): Promise<void> {
    await this.dataSource.query('DELETE FROM maintenance_leases WHERE name = $1 AND holder = $2', [LEASE_NAME, holder]);
  }

  /** Removes at most `batchSize` rows of `table` that nothing needs any more; resolves to how many. */
  async removeBatch(table: RetentionTable, batchSize: number, auditRetentionDays: number): Promise<number> {
    const rule = RETENTION_RULES[table];
    const rows: { removed: number }[] = await this.dataSource.query(rule.statement, rule.withAuditDays ? [batchSize, auditRetentionDays] : [batchSize]);
    return rows[0].removed;
  }
}
