import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '#operability';
import type { ConsumerGroupState, SyncPublisher } from '#sync';
import { ConsumerGroupExpiryJob } from '../sync/consumer-group-expiry.job.js';
import { SYNC_PUBLISHER } from '../sync/sync-publisher.provider.js';
import { sharedSample } from './shared-sample.js';

/**
 * Each resource-server instance's consumer group, read on scrape where the events go (as the
 * dashboard reads it): the events it has not acknowledged, those delivered and pending, and how
 * long since it last read, labelled by group, so that an alert can fire when a replica falls
 * behind or is gone (SECURITY-CHECKLIST F-4); and the groups destroyed once gone for good. One
 * read per second at most, shared by the gauges; every worker of AUTH_WORKERS reads the same
 * groups, so the pool takes their maximum.
 */
@Injectable()
export class SyncGroupMetrics {
  constructor(@Inject(SYNC_PUBLISHER) private readonly publisher: SyncPublisher, metrics: MetricsRegistry, expiry: ConsumerGroupExpiryJob) {
    const sample = sharedSample(() => this.read());
    const gauge = (name: string, help: string, value: (group: ConsumerGroupState) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['group'],
        registers: [metrics.registry],
        aggregator: 'max',
        async collect() {
          const groups = await sample();
          if (!groups) return;
          // A group that is gone is no longer reported, rather than frozen at its last value.
          this.reset();
          for (const group of groups) {
            const current = value(group);
            if (current !== null) this.set({ group: group.group }, current);
          }
        },
      });
    gauge('sync_consumer_group_behind_events', 'Events a resource-server instance (consumer group) has not acknowledged yet', (group) => group.behind);
    gauge('sync_consumer_group_pending_events', 'Events delivered to a consumer group and not acknowledged yet', (group) => group.pending);
    gauge('sync_consumer_group_idle_seconds', 'Seconds since a consumer of the group last read (Redis Streams only)', (group) => (group.idleMs === null ? null : group.idleMs / 1000));
    const removed = new Counter({
      name: 'sync_consumer_groups_removed_total',
      help: 'Consumer groups destroyed because no consumer of theirs read for SYNC_GROUP_EXPIRY_SECONDS (an instance gone for good)',
      registers: [metrics.registry],
    });
    expiry.onRemoved(() => removed.inc());
  }

  /** A scrape must not fail because Redis is away: the gauges keep their last values. */
  private async read(): Promise<ConsumerGroupState[] | undefined> {
    try {
      return (await this.publisher.consumerGroups?.()) ?? [];
    } catch {
      return undefined;
    }
  }
}
