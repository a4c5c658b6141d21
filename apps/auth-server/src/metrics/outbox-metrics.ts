import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '#operability';
import { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';
import { OutboxRelay } from '../sync/outbox-relay.service.js';
import { sharedSample } from './shared-sample.js';

interface OutboxSample {
  backlog: number;
  oldestAgeSeconds: number;
}

/**
 * Outbox backlog, read from the database on scrape (a cheap query: OutboxEventsRepository.backlog);
 * both gauges share one query per scrape. Every worker of AUTH_WORKERS reads the same rows, so the
 * pool's scrape takes their maximum, never their sum (libs/operability cluster/pool-metrics.ts).
 */
@Injectable()
export class OutboxMetrics {
  constructor(
    private readonly outboxEvents: OutboxEventsRepository,
    metrics: MetricsRegistry,
    relay: OutboxRelay,
  ) {
    const registers = [metrics.registry];
    const sample = sharedSample(() => this.query());
    new Gauge({
      name: 'outbox_backlog_events',
      help: 'Outbox events not yet published to the event transport',
      registers,
      aggregator: 'max',
      async collect() {
        const current = await sample();
        if (current) this.set(current.backlog);
      },
    });
    new Gauge({
      name: 'outbox_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when none)',
      registers,
      aggregator: 'max',
      async collect() {
        const current = await sample();
        if (current) this.set(current.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'outbox_relay_stream_conflict',
      help: 'Alert on 1: the event stream holds an entry this auth server did not write above its next seq, so nothing is published',
      registers,
      aggregator: 'max',
      collect() {
        this.set(relay.blockedByForeignEntry ? 1 : 0);
      },
    });
  }

  /** A scrape must not fail because the database is away: the gauges keep their last value. */
  private async query(): Promise<OutboxSample | undefined> {
    try {
      const { events, oldestAgeSeconds } = await this.outboxEvents.backlog();
      return { backlog: events, oldestAgeSeconds };
    } catch {
      return undefined;
    }
  }
}
