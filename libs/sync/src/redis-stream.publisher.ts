import { fieldsOf, groupsWithoutConsumersKeyOf, seqOfStreamId, type ConsumerGroupState } from './consumer-groups.js';
import { DEFAULT_SYNC_STREAM, STREAM_FIELD_ENVELOPE, STREAM_FIELD_SEQ } from './constants.js';
import type { SyncEnvelope } from './events.js';
import { readEventUnverified } from './event-token.js';
import { createRedisClient, type RedisClient } from './redis-client.js';
import type { SyncPublisher } from './sync-publisher.js';
import { rawEnvelopeOf, streamIdForSeq } from './stream-entry.js';

export interface RedisStreamPublisherOptions {
  redisUrl: string;
  /** Defaults to DEFAULT_SYNC_STREAM. */
  stream?: string;
  /** Approximate cap on the stream's length; a consumer further behind than this resyncs. */
  maxLength?: number;
  /**
   * What goes into the entry's envelope field. The auth server signs (signEvent); resource servers
   * refuse anything else. Plain JSON (the default) is only for tests of the transport itself.
   */
  encode?: (envelope: SyncEnvelope) => Promise<string> | string;
}

/**
 * The stream's top entry is not one of ours at this seq: Redis refused our id, and the entry there
 * (if any) is not this event. Someone else writes to the stream, or two installations share it.
 * Never "already published": the relay keeps the row, alerts and retries.
 */
export class ForeignStreamEntryError extends Error {
  constructor(
    readonly stream: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`stream ${stream} refused seq ${seq} (its top entry id is higher) and ${detail}: something else writes to this stream; the event stays unpublished`);
    this.name = 'ForeignStreamEntryError';
  }
}

/**
 * XADDs each envelope under the id `<seq>-0`. Redis refuses an id not above the stream's last
 * one; that is "already published" only when the entry at `<seq>-0` is this very event (a crash
 * between XADD and marking the row published), which XRANGE checks.
 */
export class RedisStreamPublisher implements SyncPublisher {
  private readonly redis: RedisClient;
  private readonly stream: string;
  private readonly maxLength: number;
  private readonly encode: (envelope: SyncEnvelope) => Promise<string> | string;
  /** Encodings started by prepare(), by seq, taken by publish(). At most one relay batch. */
  private readonly prepared = new Map<number, Promise<string>>();

  constructor(options: RedisStreamPublisherOptions) {
    this.stream = options.stream ?? DEFAULT_SYNC_STREAM;
    this.maxLength = options.maxLength ?? 100_000;
    this.encode = options.encode ?? ((envelope) => JSON.stringify(envelope));
    // Fail fast while Redis is down: the relay keeps the rows and retries with backoff.
    this.redis = createRedisClient(options.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
    });
    this.redis.on('error', () => undefined); // failures surface through publish()
  }

  /**
   * Signs a whole batch at once: WebCrypto's ES256 runs on libuv's pool, so the signatures overlap
   * with each other and with the XADD round trips instead of adding to each one.
   */
  prepare(envelopes: readonly SyncEnvelope[]): void {
    this.prepared.clear();
    // While Redis is away the batch fails at its first XADD: signing all of it would be wasted.
    if (this.redis.status !== 'ready') return;
    for (const envelope of envelopes) {
      const encoding = Promise.resolve().then(() => this.encode(envelope));
      encoding.catch(() => undefined); // surfaces through publish()
      this.prepared.set(envelope.seq, encoding);
    }
  }

  async publish(envelope: SyncEnvelope): Promise<void> {
    const encoding = this.prepared.get(envelope.seq);
    this.prepared.delete(envelope.seq);
    const encoded = await (encoding ?? this.encode(envelope));
    if (this.redis.status === 'wait') await this.redis.connect();
    const id = streamIdForSeq(envelope.seq);
    try {
      await this.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLength, id, STREAM_FIELD_SEQ, String(envelope.seq), STREAM_FIELD_ENVELOPE, encoded);
    } catch (error) {
      if (!String(error).includes('equal or smaller')) throw error;
      await this.assertAlreadyPublished(envelope, id);
    }
  }

  /**
   * XINFO STREAM's last-generated-id: unlike the top entry it does not drop when entries are
   * deleted or trimmed, so only a stream that really went back (a replica promoted before it got
   * the newest entries) reads lower than what was published. '0-0': created empty by a consumer
   * group's MKSTREAM (Redis restarted empty), where the resource servers resync instead.
   */
  async lastSeqTaken(): Promise<number | null> {
    if (this.redis.status === 'wait') await this.redis.connect();
    let info: unknown[];
    try {
      info = (await this.redis.call('XINFO', 'STREAM', this.stream)) as unknown[];
    } catch (error) {
      if (/no such key/i.test(String(error))) return null;
      throw error;
    }
    const lastId = String(info[info.indexOf('last-generated-id') + 1]);
    const seq = Number(lastId.split('-')[0]);
    return lastId === '0-0' || !Number.isSafeInteger(seq) ? null : seq;
  }

  /**
   * XINFO GROUPS, plus XPENDING (the oldest unacknowledged entry) and XINFO CONSUMERS (the last
   * read) per group: a few round trips per resource-server instance, for the dashboard only.
   */
  async consumerGroups(): Promise<ConsumerGroupState[]> {
    const last = (await this.lastSeqTaken()) ?? 0;
    let groups: unknown[];
    try {
      groups = (await this.redis.call('XINFO', 'GROUPS', this.stream)) as unknown[];
    } catch (error) {
      if (/no such key/i.test(String(error))) return [];
      throw error;
    }
    return Promise.all(groups.map((reply) => this.groupState(fieldsOf(reply), last)));
  }

  private async groupState(info: Record<string, unknown>, last: number): Promise<ConsumerGroupState> {
    const group = String(info.name);
    const pending = Number(info.pending) || 0;
    const lastDeliveredSeq = seqOfStreamId(info['last-delivered-id']);
    const [summary, consumers] = await Promise.all([
      pending > 0 ? (this.redis.call('XPENDING', this.stream, group) as Promise<unknown[]>) : Promise.resolve(null),
      this.redis.call('XINFO', 'CONSUMERS', this.stream, group) as Promise<unknown[]>,
    ]);
    const consumerFields = consumers.map(fieldsOf);
    const idle = consumerFields.map((consumer) => Number(consumer.idle)).filter(Number.isFinite);
    const behind = Math.max(0, last - lastDeliveredSeq) + pending;
    // From Redis 7.2 (which added `inactive`) `idle` counts from a consumer's last read; before, from
    // its last delivery, so a live instance blocked on a quiet stream looks idle. There it says
    // something only while the group has events to take: a live reader takes them at once.
    const idleIsSinceRead = consumerFields.some((consumer) => 'inactive' in consumer) || behind > 0;
    const oldestPending = summary ? seqOfStreamId(summary[1]) : 0;
    return {
      group,
      consumers: Number(info.consumers) || 0,
      pending,
      lastDeliveredSeq,
      oldestUnackedSeq: oldestPending > 0 ? oldestPending : behind > 0 ? lastDeliveredSeq + 1 : null,
      behind,
      idleMs: idle.length > 0 && idleIsSinceRead ? Math.min(...idle) : null,
    };
  }

  /**
   * XGROUP DESTROY, when every consumer of the group (at least one: a group without consumers says
   * nothing of its age, see timeWithoutConsumers) has been idle `idleMs` (XINFO CONSUMERS `idle`:
   * since its last read from Redis 7.2, since its last delivery before).
   */
  destroyIdleConsumerGroup(group: string, idleMs: number): Promise<boolean> {
    return this.destroyGroupIf(group, (idle) => idle.length > 0 && idle.every((ms) => ms >= idleMs));
  }

  destroyGroupWithoutConsumers(group: string): Promise<boolean> {
    return this.destroyGroupIf(group, (idle) => idle.length === 0);
  }

  /**
   * In a hash beside the stream (groupsWithoutConsumersKeyOf), on Redis's clock, as the consumers'
   * idle times are: it lives and dies with the groups themselves (an auth-server restart keeps it,
   * a Redis restarted empty loses both). Only the expiry job calls it, under its lease.
   */
  async timeWithoutConsumers(groups: readonly string[]): Promise<Map<string, number>> {
    if (this.redis.status === 'wait') await this.redis.connect();
    const key = groupsWithoutConsumersKeyOf(this.stream);
    const [seconds, micros] = await this.redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const seen = await this.redis.hgetall(key);
    const named = new Set(groups);
    const forgotten = Object.keys(seen).filter((group) => !named.has(group));
    if (forgotten.length > 0) await this.redis.hdel(key, ...forgotten);
    const times = new Map<string, number>();
    const firstSeen: Record<string, string> = {};
    for (const group of named) {
      const since = Number(seen[group] ?? Number.NaN);
      if (Number.isFinite(since) && since > 0) times.set(group, Math.max(0, now - since));
      else {
        firstSeen[group] = String(now);
        times.set(group, 0);
      }
    }
    if (Object.keys(firstSeen).length > 0) await this.redis.hset(key, firstSeen);
    return times;
  }

  /**
   * Checked just before, not atomically (a script needs EVAL, which an ACL user may be denied): an
   * instance reading in between gets NOGROUP, recreates its group and resyncs.
   */
  private async destroyGroupIf(group: string, gone: (idleMs: number[]) => boolean): Promise<boolean> {
    if (this.redis.status === 'wait') await this.redis.connect();
    let consumers: unknown[];
    try {
      consumers = (await this.redis.call('XINFO', 'CONSUMERS', this.stream, group)) as unknown[];
    } catch (error) {
      if (/NOGROUP|no such key/i.test(String(error))) return false;
      throw error;
    }
    if (!gone(consumers.map((consumer) => Number(fieldsOf(consumer).idle)))) return false;
    // A group created again under this name must not inherit this one's time without consumers.
    // Forgotten first: should the destroy then fail, the clock only starts again.
    await this.redis.hdel(groupsWithoutConsumersKeyOf(this.stream), group);
    return Number(await this.redis.xgroup('DESTROY', this.stream, group)) === 1;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async assertAlreadyPublished(envelope: SyncEnvelope, id: string): Promise<void> {
    const [entry] = await this.redis.xrange(this.stream, id, id);
    if (!entry) throw new ForeignStreamEntryError(this.stream, envelope.seq, `holds no entry ${id}`);
    let stored: SyncEnvelope;
    try {
      stored = readEventUnverified(rawEnvelopeOf(entry[1]) ?? '');
    } catch {
      throw new ForeignStreamEntryError(this.stream, envelope.seq, `its entry ${id} is not an event`);
    }
    if (!sameEvent(stored, envelope)) throw new ForeignStreamEntryError(this.stream, envelope.seq, `its entry ${id} is another event`);
  }
}

/** The relay rebuilds an envelope from the same row, so every field matches (signing time aside). */
function sameEvent(a: SyncEnvelope, b: SyncEnvelope): boolean {
  return (
    a.seq === b.seq &&
    a.kind === b.kind &&
    a.entityId === b.entityId &&
    a.entityVersion === b.entityVersion &&
    a.occurredAt === b.occurredAt &&
    JSON.stringify(a.payload) === JSON.stringify(b.payload)
  );
}
