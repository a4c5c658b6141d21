import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricsRegistry } from '#operability';
import { OutboxRelay } from '../sync/outbox-relay.service.js';

interface OutboxSample {
  backlog: number;
  oldestAgeSeconds: number;
}

/**
 * Outbox backlog, read from the database on scrape. The query uses the partial index on
 * unpublished rows, so it costs little however large the published history grows; both gauges
 * share one query per scrape.
 */
@Injectable()
export class OutboxMetrics {
  private pending?: Promise<OutboxSample | undefined>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsRegistry,
    relay: OutboxRelay,
  ) {
    const registers = [metrics.registry];
    const sample = (): Promise<OutboxSample | undefined> => this.sample();
    new Gauge({
      name: 'outbox_backlog_events',
      help: 'Outbox events not yet published to the event transport',
      registers,
      async collect() {
        const current = await sample();
        if (current) this.set(current.backlog);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when none)',
      registers,
      async collect() {
        const current = await sample();
        if (current) this.set(current.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'outbox_relay_stream_conflict',
      help: 'Alert on 1: the event stream holds an entry this auth server did not write above its next seq, so nothing is published',
      registers,
      collect() {
        this.set(relay.blockedByForeignEntry ? 1 : 0);
      },
    });
  }

  private sample(): Promise<OutboxSample | undefined> {
    this.pending ??= this.query().finally(() => setTimeout(() => (this.pending = undefined), 1000).unref());
    return this.pending;
  }

  /** A scrape must not fail because the database is away: the gauges keep their last value. */
  private async query(): Promise<OutboxSample | undefined> {
    try {
      const [row]: { backlog: string; age: string | null }[] = await this.dataSource.query(
        'SELECT count(*) AS backlog, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM outbox_events WHERE published_at IS NULL',
      );
      return { backlog: Number(row.backlog), oldestAgeSeconds: row.age === null ? 0 : Math.max(0, Number(row.age)) };
    } catch {
      return undefined;
    }
  }
}
