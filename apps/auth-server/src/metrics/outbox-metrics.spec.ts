import { describe, expect, it } from '@jest/globals';
import { AggregatorRegistry } from 'prom-client';
import { MetricsRegistry } from '#operability';
import type { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';
import type { OutboxRelay } from '../sync/outbox-relay.service.js';
import { OutboxMetrics } from './outbox-metrics.js';

/** One worker's registry with the outbox gauges, reading `events` unpublished rows. */
function workerRegistry(events: number): MetricsRegistry {
  const metrics = new MetricsRegistry();
  const outbox = { backlog: async () => ({ events, oldestAgeSeconds: events * 2 }) } as unknown as OutboxEventsRepository;
  new OutboxMetrics(outbox, metrics, { blockedByForeignEntry: false } as OutboxRelay);
  return metrics;
}

describe(OutboxMetrics.name, () => {
  it('reports the shared backlog once in a worker pool aggregate, not once per worker', async () => {
    const workers = [workerRegistry(3), workerRegistry(3)];
    const text = await AggregatorRegistry.aggregate(await Promise.all(workers.map((worker) => worker.registry.getMetricsAsJSON()))).metrics();

    expect(text).toMatch(/^outbox_backlog_events 3$/m);
    expect(text).toMatch(/^outbox_oldest_unpublished_age_seconds 6$/m);
    expect(text).toMatch(/^outbox_relay_stream_conflict 0$/m);
  });
});
