import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SyncEnvelope, SyncPublisher } from '#sync';
import type { OutboxRelayRepository, RelayBatch } from './outbox-relay.repository.js';
import type { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';
import { OutboxRelay } from './outbox-relay.service.js';

/** For the cases that are not about commits: a commit signal that never fires. */
const NO_COMMITS = { onEventsCommitted: () => undefined } as unknown as OutboxEventsRepository;

/** An outbox whose next batch is `envelopes` (none: idle), and whose published rows above a seq can be unmarked. */
function idleOutbox(envelopes: SyncEnvelope[] = []): {
  repository: OutboxRelayRepository;
  republishAfter: jest.Mock<RelayBatch['republishAfter']>;
  markPublished: jest.Mock<RelayBatch['markPublished']>;
} {
  const republishAfter = jest.fn<RelayBatch['republishAfter']>(async () => 2);
  const markPublished = jest.fn<RelayBatch['markPublished']>(async () => undefined);
  const repository = {
    withBatch: async (_limit: number, work: (batch: RelayBatch) => Promise<void>) => {
      await work({ envelopes, markPublished, republishAfter });
      return true;
    },
  } as unknown as OutboxRelayRepository;
  return { repository, republishAfter, markPublished };
}

function pending(seq: number, prevSeq: number): SyncEnvelope {
  return {
    seq,
    prevSeq,
    kind: 'scope.deleted',
    entityId: `s${seq}`,
    entityVersion: 1,
    occurredAt: '2026-01-01T00:00:00.000Z',
    payload: { name: `s${seq}`, entityVersion: 1 },
  } as SyncEnvelope;
}

function publisherTaking(lastSeqTaken: SyncPublisher['lastSeqTaken']): SyncPublisher & { lastSeqTaken: jest.Mock<NonNullable<SyncPublisher['lastSeqTaken']>> } {
  return { publish: async () => undefined, close: async () => undefined, lastSeqTaken: jest.fn(lastSeqTaken!) };
}

describe(`${OutboxRelay.name}: the stream's tail check`, () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('publishes again what the stream lost: every published row above its last seq is unmarked', async () => {
    const { repository, republishAfter } = idleOutbox();
    const relay = new OutboxRelay(
      repository,
      publisherTaking(async () => 41),
      NO_COMMITS,
    );
    await relay.relayOnce();
    expect(republishAfter).toHaveBeenCalledWith(41);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringContaining("the stream's last event is seq 41, but 2 later ones were published"));
  });

  it('leaves a stream that holds no event alone (Redis restarted empty: resource servers resync instead)', async () => {
    const { repository, republishAfter } = idleOutbox();
    await new OutboxRelay(
      repository,
      publisherTaking(async () => null),
      NO_COMMITS,
    ).relayOnce();
    expect(republishAfter).not.toHaveBeenCalled();
  });

  it('asks Redis at most once a second', async () => {
    const { repository } = idleOutbox();
    const publisher = publisherTaking(async () => 7);
    const relay = new OutboxRelay(repository, publisher, NO_COMMITS);
    await relay.relayOnce();
    await relay.relayOnce();
    expect(publisher.lastSeqTaken).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1000);
    await relay.relayOnce();
    expect(publisher.lastSeqTaken).toHaveBeenCalledTimes(2);
  });

  it('is no failure of the relay while Redis is away: it tries again later', async () => {
    const { repository, republishAfter } = idleOutbox();
    const relay = new OutboxRelay(
      repository,
      publisherTaking(async () => Promise.reject(new Error('Connection is closed.'))),
      NO_COMMITS,
    );
    await expect(relay.relayOnce()).resolves.toBe(0);
    expect(republishAfter).not.toHaveBeenCalled();
  });

  it('holds a batch back while the stream lacks events below it: the lost ones go out first, then the batch', async () => {
    const { repository, republishAfter, markPublished } = idleOutbox([pending(23, 22)]);
    const publisher = publisherTaking(async () => 18);
    const publish = jest.spyOn(publisher, 'publish');
    await expect(new OutboxRelay(repository, publisher, NO_COMMITS).relayOnce()).resolves.toBe(0);
    expect(republishAfter).toHaveBeenCalledWith(18);
    expect(publish).not.toHaveBeenCalled();
    expect(markPublished).not.toHaveBeenCalled();
  });

  it('checks before every batch, and publishes it when the stream has everything below it', async () => {
    const { repository, republishAfter } = idleOutbox([pending(23, 22)]);
    const publisher = publisherTaking(async () => 22);
    const relay = new OutboxRelay(repository, publisher, NO_COMMITS);
    await expect(relay.relayOnce()).resolves.toBe(1);
    await expect(relay.relayOnce()).resolves.toBe(1);
    expect(publisher.lastSeqTaken).toHaveBeenCalledTimes(2);
    expect(republishAfter).not.toHaveBeenCalled();
  });

  it('is skipped by a publisher that cannot tell (in-process)', async () => {
    const { repository, republishAfter } = idleOutbox();
    await new OutboxRelay(repository, { publish: async () => undefined, close: async () => undefined }, NO_COMMITS).relayOnce();
    expect(republishAfter).not.toHaveBeenCalled();
  });
});

describe(`${OutboxRelay.name}: the last pass at shutdown`, () => {
  it("waits for the lock another relay holds, then publishes what this process's last requests committed", async () => {
    const envelope = pending(7, 6);
    const marked: number[][] = [];
    let attempts = 0;
    const repository = {
      withBatch: async (_limit: number, work: (batch: RelayBatch) => Promise<void>) => {
        // Another relay (another worker, stopping too) holds the lock for the first two tries.
        if (attempts++ < 2) return false;
        await work({ envelopes: [envelope], markPublished: async (seqs) => void marked.push(seqs), republishAfter: async () => 0 });
        return true;
      },
    } as unknown as OutboxRelayRepository;
    const published: SyncEnvelope[] = [];

    await new OutboxRelay(repository, { publish: async (sent) => void published.push(sent), close: async () => undefined }, NO_COMMITS).onModuleDestroy();

    expect(attempts).toBe(3);
    expect(published).toEqual([envelope]);
    expect(marked).toEqual([[7]]);
  });
});

describe(`${OutboxRelay.name}: a commit of this process's`, () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** A relay over an empty outbox that counts its passes, and the commit signal OutboxEventsRepository gives. */
  function relayWithCommits(): { relay: OutboxRelay; passes: () => number; commit: () => void } {
    let passes = 0;
    const repository = {
      withBatch: async (_limit: number, work: (batch: RelayBatch) => Promise<void>) => {
        passes++;
        await work({ envelopes: [], markPublished: async () => undefined, republishAfter: async () => 0 });
        return true;
      },
    } as unknown as OutboxRelayRepository;
    let listener = (): void => undefined;
    const outboxEvents = { onEventsCommitted: (committed: () => void) => (listener = committed) } as unknown as OutboxEventsRepository;
    const relay = new OutboxRelay(repository, { publish: async () => undefined, close: async () => undefined }, outboxEvents);
    return { relay, passes: () => passes, commit: () => listener() };
  }

  it('starts a pass within the wake gap (10 ms), not at the next poll (50 ms)', async () => {
    const { relay, passes, commit } = relayWithCommits();
    relay.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1);
    expect(passes()).toBe(1);
    await jest.advanceTimersByTimeAsync(15);
    commit();
    await jest.advanceTimersByTimeAsync(1);
    expect(passes()).toBe(2);
    // Commits one after the other: one pass per gap, not one per commit.
    commit();
    commit();
    await jest.advanceTimersByTimeAsync(5);
    expect(passes()).toBe(2);
    await jest.advanceTimersByTimeAsync(6);
    expect(passes()).toBe(3);
    await relay.onModuleDestroy();
  });

  it('is not woken before the app started it', async () => {
    const { passes, commit } = relayWithCommits();
    commit();
    await jest.advanceTimersByTimeAsync(100);
    expect(passes()).toBe(0);
  });
});
