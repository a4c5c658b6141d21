import type { SyncEnvelope } from './events.js';
import type { InProcessEventBus } from './in-process-event-bus.js';
import type { SyncPublisher } from './sync-publisher.js';

/** Publishes onto the shared InProcessEventBus (no Redis configured). */
export class InProcessPublisher implements SyncPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  async publish(envelope: SyncEnvelope): Promise<void> {
    this.bus.append(envelope);
  }

  async close(): Promise<void> {}
}
