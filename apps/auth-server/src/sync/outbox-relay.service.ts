import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { settlesWithin } from '#operability';
import { ForeignStreamEntryError, type SyncEnvelope, type SyncPublisher } from '#sync';
import { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';
import { OutboxRelayRepository } from './outbox-relay.repository.js';
import { SYNC_PUBLISHER } from './sync-publisher.provider.js';

const BATCH_SIZE = 200;
const POLL_MS = 50;
/**
 * Passes a commit of this process starts come at least this far apart: a storm of revocations
 * (one event each) then costs the database at most this many passes a second, not one per event.
 */
const WAKE_GAP_MS = 10;
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
 *
 * It polls every POLL_MS for what other instances commit, and runs at once after a commit of this
 * process's own (OutboxEventsRepository.onEventsCommitted): a change made through this instance's
 * admin API is on its way to the resource servers a few milliseconds after the API answered,
 * instead of up to a poll interval later. Commits during a pass run one more pass after it.
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
  /** Commits wake the relay only once the app has started it, as before. */
  private started = false;
  /** A pass is under way (tick), so a commit meanwhile asks for another right after it. */
  private ticking = false;
  private passAgain = false;
  private lastPassStarted = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly outbox: OutboxRelayRepository,
    @Inject(SYNC_PUBLISHER) private readonly publisher: SyncPublisher,
    outboxEvents: OutboxEventsRepository,
  ) {
    outboxEvents.onEventsCommitted(() => this.wake());
  }

  onApplicationBootstrap(): void {
    this.started = true;
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
      if (!(await settlesWithin(this.passHoldingTheLock(Date.now() + FINAL_PASS_MS), FINAL_PASS_MS))) failed(`no answer within ${FINAL_PASS_MS} ms`);
    } catch (error) {
      failed((error as Error).message);
    }
  }

  /**
   * One batch, waiting for the lock while another relay holds it: that relay may have read its
   * batch before this process's last requests committed, and it may be stopping too (the workers
   * of AUTH_WORKERS stop together), so only a batch read now is sure to include them.
   */
  private async passHoldingTheLock(deadline: number): Promise<void> {
    while (!(await this.relayBatch()).held && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  /** true while the relay cannot publish because the stream holds an entry it did not write. */
  get blockedByForeignEntry(): boolean {
    return this.conflict !== undefined;
  }

  /** One batch; resolves to the number of rows published (tests call it directly). */
  async relayOnce(): Promise<number> {
    return (await this.relayBatch()).published;
  }

  /** One batch if this relay got the lock (`held`), with the rows it published. */
  private async relayBatch(): Promise<{ held: boolean; published: number }> {
    let published = 0;
    let failure: unknown;
    const held = await this.outbox.withBatch(BATCH_SIZE, async ({ envelopes, markPublished, republishAfter }) => {
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
    return { held, published };
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
    if (lost > 0)
      this.logger.warn(`the stream's last event is seq ${taken}, but ${lost} later ones were published: Redis lost them (a failover?); publishing them again`);
    return lost > 0;
  }

  /** A commit of this process's: a pass now, or right after the one under way; not while backing off from a failure. */
  private wake(): void {
    if (!this.started || this.stopped || this.failures > 0) return;
    if (this.ticking) {
      this.passAgain = true;
      return;
    }
    this.schedule(this.wakeDelay());
  }

  private wakeDelay(): number {
    return Math.max(0, this.lastPassStarted + WAKE_GAP_MS - performance.now());
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    this.passAgain = false;
    this.lastPassStarted = performance.now();
    try {
      const published = await this.relayOnce();
      this.failures = 0;
      // A full batch means more is waiting: go again at once; a commit during the pass may have missed it: go again soon.
      this.schedule(published >= BATCH_SIZE ? 0 : this.passAgain ? this.wakeDelay() : POLL_MS);
    } catch (error) {
      this.failures++;
      if (this.failures === 1 || this.failures % 20 === 0) this.logger.warn(`outbox relay failed (${this.failures}x), retrying: ${(error as Error).message}`);
      this.schedule(Math.min(POLL_MS * 2 ** this.failures, MAX_BACKOFF_MS));
    } finally {
      this.ticking = false;
    }
  }
}
