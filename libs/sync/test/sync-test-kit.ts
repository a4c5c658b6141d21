import { eventually as within, openTestRedisStream } from '#testing';
import {
  InProcessEventBus,
  InProcessTransport,
  RedisStreamsTransport,
  SyncEvents,
  readEventUnverified,
  type SyncEnvelope,
  type SyncTransportServer,
} from '../src/index.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A resource server stand-in: applies envelopes, records the seq, resyncs on a gap. */
export class Replica {
  lastApplied = 0;
  readonly applied: number[] = [];
  gaps = 0;
  /** What the "snapshot" brings the replica up to when onGap runs. */
  snapshotSeq = 0;
  failOnce = new Set<number>();
  attempts = new Map<number, number>();

  /** Reasons of the entries the transport refused (dead letters). */
  readonly refused: string[] = [];
  readonly onDeadLetter = (reason: string) => void this.refused.push(reason);
  /** Deliveries the transport recognised as already applied (F-5). */
  duplicates = 0;
  readonly onDuplicate = () => void this.duplicates++;

  readonly lastAppliedSeq = async () => this.lastApplied;
  readonly onGap = async () => {
    this.gaps++;
    this.lastApplied = Math.max(this.lastApplied, this.snapshotSeq);
  };
  readonly handle = async (envelope: SyncEnvelope) => {
    this.attempts.set(envelope.seq, (this.attempts.get(envelope.seq) ?? 0) + 1);
    if (this.failOnce.delete(envelope.seq)) throw new Error(`induced failure at seq ${envelope.seq}`);
    this.applied.push(envelope.seq);
    this.lastApplied = envelope.seq;
  };
}

/** Fixed, so that publishing one seq twice is the same event (the relay rebuilds it from the same row). */
const OCCURRED_AT = '2026-01-01T00:00:00.000Z';

export function envelope(seq: number, prevSeq = seq - 1): SyncEnvelope {
  return {
    seq,
    prevSeq,
    kind: SyncEvents.scopeUpserted,
    entityId: `scope-${seq}`,
    entityVersion: 1,
    occurredAt: OCCURRED_AT,
    payload: { name: `scope-${seq}`, description: '', entityVersion: 1 },
  };
}

/** One transport under test, with a way to publish to it and to see what is left unacked. */
export interface TransportFixture {
  publish(envelope: SyncEnvelope): Promise<void>;
  /** `name` is the Redis consumer name (ignored in process: the group is all there is). */
  consumer(replica: Replica, group?: string, name?: string): SyncTransportServer;
  unacked(group: string): Promise<number>;
  cleanup(): Promise<void>;
}

export function inProcessFixture(): TransportFixture {
  const bus = new InProcessEventBus();
  return {
    async publish(envelope) {
      bus.append(envelope);
    },
    consumer: (replica, group = 'rs-a') =>
      new InProcessTransport({
        bus,
        group,
        lastAppliedSeq: replica.lastAppliedSeq,
        onGap: replica.onGap,
        onDeadLetter: replica.onDeadLetter,
        onDuplicate: replica.onDuplicate,
        retryDelayMs: 20,
      }),
    async unacked(group) {
      return bus.readUnacked(group, 1000).length;
    },
    async cleanup() {},
  };
}

export function redisFixture(redisUrl = REDIS_URL): TransportFixture {
  const { stream, publisher, admin, close } = openTestRedisStream(redisUrl, 'test:sync');
  return {
    publish: (envelope) => publisher.publish(envelope),
    consumer: (replica, group = 'rs-a', name = 'c1') =>
      new RedisStreamsTransport({
        redisUrl,
        stream,
        decode: async (raw) => readEventUnverified(raw),
        group,
        consumer: name,
        lastAppliedSeq: replica.lastAppliedSeq,
        onGap: replica.onGap,
        onDeadLetter: replica.onDeadLetter,
        onDuplicate: replica.onDuplicate,
        retryDelayMs: 20,
        blockMs: 200,
      }),
    async unacked(group) {
      const [count] = (await admin.xpending(stream, group)) as [number];
      return count;
    },
    cleanup: close,
  };
}

/** Registers the replica's handler for every kind, as @EventPattern controllers would. */
export function start(transport: SyncTransportServer, replica: Replica): SyncTransportServer {
  for (const kind of Object.values(SyncEvents)) transport.addHandler(kind, (data: SyncEnvelope) => replica.handle(data), true);
  transport.listen(() => undefined);
  return transport;
}

/** #testing's eventually with this kit's bound: 5 s unless a test says otherwise. */
export function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  return within(check, timeoutMs);
}
