import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { settlesWithin } from '#operability';
import { ForeignStreamEntryError, type SyncEnvelope, type SyncPublisher } from '#sync';
import { OutboxRelayRepository } from './outbox-relay.repository.js';
import { SYNC_PUBLISHER } from './sync-publisher.provider.js';

const BATCH_SIZE = 200;
const POLL_MS = 50;
const MAX_BACKOFF_MS = 2000;
/** How often an idle relay checks that the stream still holds what it published. */
const TAIL_CHECK_MS = 1000;
/** A hung Redis must not hold every batch for the client's command timeout: the check is then skipped. */
const TAIL_CHECK_TIMEOUT_MS = 500;
/** The last pass at shutdown; a Redis or database outage must not hold the exit longer. */
const FINAL_PASS_MS = 3000;

/**
 * Moves committed outbox rows to the publisher in seq order and marks them published. A row is
 * marked only after the publisher accepted it, so a Redis outage only delays events: the admin
 * API keeps writing the outbox, and the relay retries with backoff until Redis is back.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failures = 0;
  /** Set while a foreign entry in the stream refuses our ids (outbox_relay_stream_conflict). */
  private conflict?: ForeignStreamEntryError;
  private lastTailCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly outbox: OutboxRelayRepository,
    @Inject(SYNC_PUBLISHER) private readonly publisher: SyncPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // Shutdown drains HTTP first, so what the last requests wrote is committed by now: publish it
    // rather than leave it for the next start. Unmarked rows are sent again later (at least once).
    await this.finalPass();
    await this.publisher.close();
  }

  private async finalPass(): Promise<void> {
    const failed = (reason: string) => this.logger.warn(`outbox relay's last pass at shutdown failed, the next start sends the rest: ${reason}`);
    try {
      if (!(await settlesWithin(this.relayOnce(), FINAL_PASS_MS))) failed(`no answer within ${FINAL_PASS_MS} ms`);
    } catch (error) {
      failed((error as Error).message);
    }
  }

  /** true while the relay cannot publish because the stream holds an entry it did not write. */
  get blockedByForeignEntry(): boolean {
    return this.conflict !== undefined;
  }

  /** One batch; resolves to the number of rows published (tests call it directly). */
  async relayOnce(): Promise<number> {
    let published = 0;
    let failure: unknown;
    await this.outbox.withBatch(BATCH_SIZE, async ({ envelopes, markPublished, republishAfter }) => {
      // What the stream lost goes out again first, in seq order: this batch waits for the next pass.
      if (await this.streamLostEvents(envelopes, republishAfter)) return;
      const done: number[] = [];
      try {
        this.publisher.prepare?.(envelopes);
        for (const envelope of envelopes) {
          await this.publisher.publish(envelope);
          done.push(envelope.seq);
        }
      } catch (error) {
        failure = error;
      }
      // Commit what went out even when a later publish failed, so it is not sent again.
      await markPublished(done);
      published = done.length;
    });
    if (failure instanceof ForeignStreamEntryError) {
      // Never taken for "already published": that would drop every later event without a sound.
      if (!this.conflict) this.logger.error(`outbox relay blocked: ${failure.message}`);
      this.conflict = failure;
    } else if (!failure && published > 0) {
      if (this.conflict) this.logger.log('outbox relay unblocked: the stream accepts events again');
      this.conflict = undefined;
    }
    if (failure) throw failure;
    return published;
  }

  /**
   * A Redis Cluster or Sentinel failover promotes a replica that may lack the newest entries
   * (replication is asynchronous), though the relay had marked them published; a resource server
   * that had not read them would only notice at the next event, by its gap, and load a snapshot.
   * So the relay compares the stream's last id with the outbox before each batch (the batch's
   * prevSeq is the last seq published: the stream must have reached it), and once a second while
   * idle, and marks what the stream lost unpublished again (a resource server that has those events
   * skips them by seq). Checking before every batch matters: the first event published after the
   * failover would otherwise raise the stream's last id over the hole. Redis being away is the
   * backoff's business, not this check's: the publish fails anyway, or the idle check tries later.
   */
  private async streamLostEvents(envelopes: readonly SyncEnvelope[], republishAfter: (seq: number) => Promise<number>): Promise<boolean> {
    if (!this.publisher.lastSeqTaken) return false;
    if (envelopes.length === 0 && performance.now() - this.lastTailCheck < TAIL_CHECK_MS) return false;
    this.lastTailCheck = performance.now();
    const asked = this.publisher.lastSeqTaken().catch(() => null);
    const taken = (await settlesWithin(asked, TAIL_CHECK_TIMEOUT_MS)) ? await asked : null;
    const lastPublished = envelopes[0]?.prevSeq;
    if (taken === null || (lastPublished !== undefined && taken >= lastPublished)) return false;
    const lost = await republishAfter(taken);
    if (lost > 0) this.logger.warn(`the stream's last event is seq ${taken}, but ${lost} later ones were published: Redis lost them (a failover?); publishing them again`);
    return lost > 0;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      const published = await this.relayOnce();
      this.failures = 0;
      // A full batch means more is waiting: go again at once.
      this.schedule(published >= BATCH_SIZE ? 0 : POLL_MS);
    } catch (error) {
      this.failures++;
      if (this.failures === 1 || this.failures % 20 === 0) this.logger.warn(`outbox relay failed (${this.failures}x), retrying: ${(error as Error).message}`);
      this.schedule(Math.min(POLL_MS * 2 ** this.failures, MAX_BACKOFF_MS));
    }
  }
}

