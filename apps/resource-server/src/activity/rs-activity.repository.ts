import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActivityCount } from '#operability';
import type { RsActivityMetric } from './rs-activity-counters.js';

/**
 * rs_activity_minutes in the resource server's own database: every instance sharing that
 * database adds its counts, so the admin API answers for the whole deployment, across restarts.
 */
@Injectable()
export class RsActivityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement; rows sorted by key (MinuteCounters.drain), so concurrent instances lock in one order. */
  async add(rows: readonly ActivityCount<RsActivityMetric>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO rs_activity_minutes (minute, metric, label, count)
       SELECT to_timestamp(m / 1000.0), metric, label, n FROM unnest($1::float8[], $2::text[], $3::text[], $4::bigint[]) AS r(m, metric, label, n)
       ON CONFLICT (minute, metric, label) DO UPDATE SET count = rs_activity_minutes.count + EXCLUDED.count`,
      [rows.map((row) => row.minute), rows.map((row) => row.metric), rows.map((row) => row.label), rows.map((row) => row.count)],
    );
  }

  async counts(metric: RsActivityMetric, since: number): Promise<ActivityCount<RsActivityMetric>[]> {
    const rows: { minute: number; label: string; count: string }[] = await this.dataSource.query(
      `SELECT (extract(epoch FROM minute) * 1000)::float8 AS minute, label, count::text AS count
       FROM rs_activity_minutes WHERE minute >= to_timestamp($1 / 1000.0) AND metric = $2`,
      [since, metric],
    );
    return rows.map((row) => ({ minute: Number(row.minute), metric, label: row.label, count: Number(row.count) }));
  }

  /** Removes at most `limit` minutes older than a day (the resource server has no retention job of its own). */
  async prune(limit: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM rs_activity_minutes a USING (
         SELECT minute, metric, label FROM rs_activity_minutes WHERE minute < now() - interval '1 day' ORDER BY minute LIMIT $1 FOR UPDATE SKIP LOCKED
       ) v WHERE a.minute = v.minute AND a.metric = v.metric AND a.label = v.label`,
      [limit],
    );
  }
}
