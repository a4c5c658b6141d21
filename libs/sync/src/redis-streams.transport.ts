import { DEFAULT_SYNC_STREAM } from './constants.js';
import { seqOfStreamId } from './consumer-groups.js';
import type { SyncEnvelope } from './events.js';
import { createRedisClient, type RedisClient } from './redis-client.js';
import { RejectedEvent } from './rejected-event.js';
import { deadLetterStreamOf, rawEnvelopeOf, streamIdForSeq } from './stream-entry.js';
import { settleWithin, sleep, SyncTransportServer } from './sync-transport.base.js';
import type { SyncConsumerOptions, SyncTransportStatus } from './sync-transport.types.js';

export interface RedisStreamsTransportOptions extends SyncConsumerOptions {
  redisUrl: string;
  /**
   * Turns an entry's envelope field into an envelope, or throws RejectedEvent (dead letter). The
   * resource server verifies the auth server's signature here (verifyEvent); required, so that no
   * consumer trusts the stream by accident. Any other error means "retry this entry later".
   */
  decode: (raw: string) => Promise<SyncEnvelope>;
  /** Defaults to DEFAULT_SYNC_STREAM. */
  stream?: string;
  /**
   * Consumer name inside the group. The group is per instance, so at start the transport takes
   * over entries another consumer name of the same group left pending: a random name is safe.
   */
  consumer?: string;
  /** How long one XREADGROUP blocks; bounds how long close() and a dead socket go unnoticed. */
  blockMs?: number;
  /** Pause before retrying after a handler or Redis failure. */
  retryDelayMs?: number;
}

type StreamReply = [stream: string, entries: [id: string, fields: string[] | null][]][] | null;

const BATCH = 100;
/** Dead letters are for inspection; the newest ones are what matters. */
const DEAD_LETTER_MAX = 10_000;
const CLOSE_WAIT_MS = 2000;

/**
 * NestJS transport over a Redis Stream consumer group (not pub/sub: events survive a consumer
 * being down). Reads its own pending entries first, then new ones; acks an entry only after its
 * handler resolved, so a crash or a failing handler means redelivery, never loss.
 */
export class RedisStreamsTransport extends SyncTransportServer {
  private readonly stream: string;
  private readonly consumer: string;
  private readonly blockMs: number;
  private readonly retryDelayMs: number;
  /** Blocking reads get their own connection, so acks are never queued behind a BLOCK. */
  private readonly reader: RedisClient;
  private readonly writer: RedisClient;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  /** Start (and restart after a failure) by re-reading our own pending entries. */
  private readPending = true;
  /** At start, take over what an earlier incarnation of this instance left unacked. */
  private claimOrphans = true;
  private groupReady = false;
  private gapPending = false;

  constructor(private readonly options: RedisStreamsTransportOptions) {
    super(options);
    this.stream = options.stream ?? DEFAULT_SYNC_STREAM;
    this.consumer = options.consumer ?? 'consumer';
    this.blockMs = options.blockMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    const common = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      // Reconnect forever, capped at 1 s, so a Redis restart heals without anyone's help.
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
      connectTimeout: 2000,
    };
    // The socket timeout outlives one BLOCK, so only a dead connection trips it.
    this.reader = createRedisClient(options.redisUrl, { ...common, commandTimeout: this.blockMs + 2000, autoResendUnfulfilledCommands: false });
    this.writer = createRedisClient(options.redisUrl, { ...common, commandTimeout: 2000 });
    for (const client of [this.reader, this.writer]) client.on('error', () => undefined); // failures surface through commands
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.loop = this.run();
    this._status$.next('connected');
    callback();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    this.reader.disconnect();
    // A handler still running finishes on its own; its entry stays pending and comes back.
    await settleWithin(this.loop, CLOSE_WAIT_MS);
    this.writer.disconnect();
    this._status$.next('disconnected');
  }

  syncStatus(): SyncTransportStatus {
    return { transport: 'redis-streams', connected: this.reader.status === 'ready', lastDeliveredSeq: this.processor.lastDeliveredSeq };
  }

  on(event: string, callback: Function): void {
    this.reader.on(event, callback as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    return { reader: this.reader, writer: this.writer } as T;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.step();
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (String(error).includes('NOGROUP')) {
          // The stream or our group vanished (Redis restarted empty, stream deleted, the auth
          // server removed the group as idle past SYNC_GROUP_EXPIRY_SECONDS): whatever we had not
          // read is gone, so resync from a snapshot once the group exists again.
          this.logger.warn(`consumer group ${this.options.group} missing on ${this.stream}: recreating it and resyncing`);
          this.groupReady = false;
          this.gapPending = true;
        } else {
          this.logger.warn(`sync read failed, retrying: ${(error as Error).message}`);
        }
        this.readPending = true;
        await sleep(this.retryDelayMs, this.stopping.signal);
      }
    }
  }

  private async step(): Promise<void> {
    // Snapshot first: a group recreated after it then starts at the snapshot's seq (ensureGroup).
    if (this.gapPending) {
      await this.processor.resync();
      this.gapPending = false;
    }
    if (!this.groupReady) await this.ensureGroup();
    if (this.claimOrphans) {
      await this.claimPendingOfOtherConsumers();
      this.claimOrphans = false;
    }
    const fromPending = this.readPending;
    const block = fromPending ? [] : ['BLOCK', this.blockMs];
    const args = ['GROUP', this.options.group, this.consumer, 'COUNT', BATCH, ...block, 'STREAMS', this.stream, fromPending ? '0' : '>'];
    const reply = (await this.reader.call('XREADGROUP', ...args)) as StreamReply;
    const entries = reply?.[0]?.[1] ?? [];
    if (fromPending && entries.length === 0) this.readPending = false;
    for (const [id, fields] of entries) {
      if (this.stopping.signal.aborted) return;
      if (!(await this.handleEntry(id, fields))) {
        // Stop here so later events never overtake the failed one; it comes back from our PEL.
        this.readPending = true;
        await sleep(this.retryDelayMs, this.stopping.signal);
        return;
      }
    }
  }

  /** true when the entry is done with (applied, or dead-lettered, and acked), false when it must be retried. */
  private async handleEntry(id: string, fields: string[] | null): Promise<boolean> {
    // Deleted or trimmed while pending: nothing to apply; a later seq check notices any gap.
    if (fields) {
      try {
        const raw = rawEnvelopeOf(fields);
        if (raw === null) throw new RejectedEvent('malformed', 'the entry has no envelope field');
        await this.processor.process(await this.options.decode(raw));
        this.options.onAccepted?.();
      } catch (error) {
        if (!(error instanceof RejectedEvent)) {
          this.logger.error(`sync entry ${id} failed, will retry: ${(error as Error).message}`);
          return false;
        }
        await this.deadLetter(id, fields, error);
      }
    }
    await this.writer.xack(this.stream, this.options.group, id);
    return true;
  }

  /**
   * Moves an entry that can never be applied aside, so it neither blocks later events (it would be
   * redelivered forever) nor vanishes unseen. Every resource server copies what it refused: the
   * dead-letter stream shows who saw what. Acked by the caller afterwards.
   */
  private async deadLetter(id: string, fields: string[], rejection: RejectedEvent): Promise<void> {
    const target = deadLetterStreamOf(this.stream);
    await this.writer.xadd(
      target,
      'MAXLEN',
      '~',
      DEAD_LETTER_MAX,
      '*',
      'reason',
      rejection.reason,
      'detail',
      rejection.message.slice(0, 500),
      'entry',
      id,
      'group',
      this.options.group,
      'fields',
      JSON.stringify(fields).slice(0, 65_536),
    );
    this.logger.warn(`sync entry ${id} on ${this.stream} refused (${rejection.reason}: ${rejection.message}); moved to ${target}`);
    this.options.onDeadLetter?.(rejection.reason);
  }

  /**
   * The group belongs to this resource-server instance, so any other consumer in it is a previous
   * run (e.g. one that used a random consumer name) whose pending entries would otherwise never
   * be redelivered (SECURITY-CHECKLIST F-3). XAUTOCLAIM moves them into our PEL, read next.
   */
  private async claimPendingOfOtherConsumers(): Promise<void> {
    let cursor = '0-0';
    for (let round = 0; round < 1000; round++) {
      const [next] = (await this.writer.call('XAUTOCLAIM', this.stream, this.options.group, this.consumer, 0, cursor, 'COUNT', BATCH, 'JUSTID')) as [string, string[]];
      if (next === '0-0') return;
      cursor = next;
    }
  }

  /**
   * Creates the group at what is applied already, not at the stream's start: the processor would
   * take every entry up to there for a duplicate anyway (a seq at or below the applied one), so
   * skipping them loses nothing, while a group recreated after it expired would otherwise read up
   * to MAXLEN entries again. Entries above it are delivered, a trimmed gap shows in their prevSeq.
   * Never past the stream's newest entry: a snapshot ahead of the relay, or a local state from
   * elsewhere, must not set the group beyond entries the stream never had (the dashboard reads its
   * position); the entries in between are only read as duplicates.
   * An existing group (BUSYGROUP) keeps its own position.
   */
  private async ensureGroup(): Promise<void> {
    const start = Math.min(await this.processor.appliedSeq(), await this.lastSeqInStream());
    try {
      await this.writer.xgroup('CREATE', this.stream, this.options.group, start > 0 ? streamIdForSeq(start) : '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  /** The seq of the stream's newest entry, 0 when it has none (or does not exist). */
  private async lastSeqInStream(): Promise<number> {
    const [newest] = await this.writer.xrevrange(this.stream, '+', '-', 'COUNT', 1);
    return newest ? seqOfStreamId(newest[0]) : 0;
  }
}
