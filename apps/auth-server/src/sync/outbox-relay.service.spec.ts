import { describe, expect, it } from '@jest/globals';
import type { SyncEnvelope, SyncPublisher } from '#sync';
import { OutboxRelay } from './outbox-relay.service.js';
import type { OutboxRelayRepository, RelayBatch } from './outbox-relay.repository.js';

const ENVELOPE = { seq: 7, kind: 'client.upserted' } as unknown as SyncEnvelope;

/** An outbox whose lock another relay holds for the first `busyTimes` attempts. */
function outboxBusyFor(busyTimes: number) {
  const marked: number[][] = [];
  let attempts = 0;
  const repository = {
    async withBatch(_limit: number, work: (batch: RelayBatch) => Promise<void>): Promise<boolean> {
      if (attempts++ < busyTimes) return false;
      await work({ envelopes: [ENVELOPE], markPublished: async (seqs) => void marked.push(seqs) });
      return true;
    },
  } as unknown as OutboxRelayRepository;
  return { repository, marked, attempts: () => attempts };
}

function recordingPublisher(): SyncPublisher & { published: SyncEnvelope[] } {
  const published: SyncEnvelope[] = [];
  return { published, publish: async (envelope) => void published.push(envelope), close: async () => undefined };
}

describe(OutboxRelay.name, () => {
  it("waits at shutdown for the lock another relay holds, then publishes what this process's last requests committed", async () => {
    const outbox = outboxBusyFor(2);
    const publisher = recordingPublisher();
    const relay = new OutboxRelay(outbox.repository, publisher);

    await relay.onModuleDestroy();

    expect(outbox.attempts()).toBe(3);
    expect(publisher.published).toEqual([ENVELOPE]);
    expect(outbox.marked).toEqual([[7]]);
  });
});
