import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DatabaseStatus } from '#database';
import { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';

/** How often one shared query looks for registry changes made by other instances. */
export const MARKER_POLL_MS = 250;
/** Without a successful poll for this long, caches must not be trusted (the DB is asked instead). */
const STALE_AFTER_MS = 1000;

/**
 * Notices registry changes committed by other auth-server instances. Every change to a client, a
 * scope or an association appends an outbox event in its own transaction, and OutboxWriter's
 * advisory lock makes those commits happen in seq order, so max(outbox_events.seq) only moves
 * when something committed (a late commit cannot hide behind a higher seq). One parameterless
 * query (simple protocol, safe on the embedded PGlite socket) every 250 ms, shared by every
 * request: other instances see a change within ~250 ms (CONTRACT: within one second).
 */
@Injectable()
export class RegistryChangeMarker implements OnModuleDestroy {
  private readonly logger = new Logger(RegistryChangeMarker.name);
  private readonly listeners: (() => void)[] = [];
  /** What the poll reads: the outbox's latest seq, and the versions of registry tables without events (resources). */
  private readonly versions: (() => Promise<string | null>)[] = [() => this.outboxEvents.latestSeq()];
  private marker: string | undefined;
  private lastPollAt = 0;
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly outboxEvents: OutboxEventsRepository,
    private readonly database: DatabaseStatus,
  ) {}

  /** A registry table other instances change without an outbox event (resources): its version is polled with the outbox's seq. */
  track(version: () => Promise<string | null>): void {
    this.versions.push(version);
  }

  /** Called after every observed change (and when polling resumes after a failure). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
    this.timer ??= setInterval(() => void this.poll(), MARKER_POLL_MS).unref();
  }

  /** Whether a poll succeeded recently enough for cached registry data to be trusted. */
  get fresh(): boolean {
    return Date.now() - this.lastPollAt < STALE_AFTER_MS;
  }

  async poll(): Promise<void> {
    if (this.polling || !this.database.open) return;
    this.polling = true;
    try {
      const marker = (await Promise.all(this.versions.map((version) => version()))).join(':');
      const wasStale = !this.fresh;
      if (marker !== this.marker || wasStale) {
        this.marker = marker;
        this.notify();
      }
      this.lastPollAt = Date.now();
    } catch (error) {
      this.logger.warn(`registry change poll failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /** This instance's own changes: called right after their commit, before the response. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
