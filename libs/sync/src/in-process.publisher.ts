import type { ConsumerGroupState } from './consumer-groups.js';
import type { SyncEnvelope } from './events.js';
import type { InProcessEventBus } from './in-process-event-bus.js';
import type { SyncPublisher } from './sync-publisher.js';

/** Publishes onto the shared InProcessEventBus (no Redis configured). */
export class InProcessPublisher implements SyncPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  async publish(envelope: SyncEnvelope): Promise<void> {
    this.bus.append(envelope);
  }

  async consumerGroups(): Promise<ConsumerGroupState[]> {
    const last = this.bus.lastSeq;
    return this.bus.groups().map(({ group, ackedSeq }) => {
      const behind = Math.max(0, last - ackedSeq);
      return { group, consumers: 1, pending: 0, lastDeliveredSeq: ackedSeq, oldestUnackedSeq: behind > 0 ? ackedSeq + 1 : null, behind, idleMs: null };
    });
  }

  async close(): Promise<void> {}
}
