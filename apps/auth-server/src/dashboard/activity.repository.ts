import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActivityCount } from '#operability';
import type { ActivityMetric } from './activity-metrics.js';

/** A client as the dashboard names it. */
export interface ClientName {
  clientId: string;
  name: string;
  version: string;
}

/**
 * activity_minutes, the per-minute rollup every auth-server instance adds its counts into, and the
 * few small reads the dashboard makes beside it. Nothing here counts rows of grants or audit_events:
 * those tables grow with traffic, the rollup with minutes × labels only.
 */
@Injectable()
export class ActivityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Adds the counts in one statement. Rows come sorted by key (MinuteCounters.drain), so two
   * instances adding to the same minute lock its rows in the same order and cannot deadlock.
   */
  async add(rows: readonly ActivityCount<ActivityMetric>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO activity_minutes (minute, metric, label, count)
       SELECT to_timestamp(m / 1000.0), metric, label, n FROM unnest($1::float8[], $2::text[], $3::text[], $4::bigint[]) AS r(m, metric, label, n)
       ON CONFLICT (minute, metric, label) DO UPDATE SET count = activity_minutes.count + EXCLUDED.count`,
      [rows.map((row) => row.minute), rows.map((row) => row.metric), rows.map((row) => row.label), rows.map((row) => row.count)],
    );
  }

  /** Every count of these metrics from `since` on (a minute boundary), optionally for one label. */
  async counts(metrics: readonly ActivityMetric[], since: number, label?: string): Promise<ActivityCount<ActivityMetric>[]> {
    const rows: { minute: number; metric: ActivityMetric; label: string; count: string }[] = await this.dataSource.query(
      `SELECT (extract(epoch FROM minute) * 1000)::float8 AS minute, metric, label, count::text AS count
       FROM activity_minutes WHERE minute >= to_timestamp($1 / 1000.0) AND metric = ANY($2::text[]) AND ($3::text IS NULL OR label = $3::text)`,
      [since, metrics, label ?? null],
    );
    return rows.map((row) => ({ minute: Number(row.minute), metric: row.metric, label: row.label, count: Number(row.count) }));
  }

  /** Active and registered clients (the clients table holds one row per registration, a small table). */
  async clientCounts(): Promise<{ active: number; total: number }> {
    const [row]: { active: number; total: number }[] = await this.dataSource.query(`SELECT (count(*) FILTER (WHERE active))::int AS active, count(*)::int AS total FROM clients`);
    return row;
  }

  async clientNames(clientIds: readonly string[]): Promise<ClientName[]> {
    if (clientIds.length === 0) return [];
    return this.dataSource.query(`SELECT client_id AS "clientId", name, version FROM clients WHERE client_id = ANY($1::text[])`, [clientIds]);
  }

  /** When the events at these seqs happened (those still in the outbox), by seq. */
  async eventTimes(seqs: readonly number[]): Promise<Map<number, Date>> {
    if (seqs.length === 0) return new Map();
    const rows: { seq: string; createdAt: Date }[] = await this.dataSource.query(`SELECT seq::text AS seq, created_at AS "createdAt" FROM outbox_events WHERE seq = ANY($1::bigint[])`, [seqs]);
    return new Map(rows.map((row) => [Number(row.seq), new Date(row.createdAt)]));
  }
}
