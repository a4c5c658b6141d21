import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DeadLetterReason, SyncTransportStatus } from '#sync';

export interface SyncStatusSource {
  syncStatus(): SyncTransportStatus;
  /** The newest seq the transport knows of, when it can tell (the in-process bus can). */
  latestSeq?(): number;
  /** Whether entries keep being dead-lettered, when another process watches that (a pool's leader). */
  refusingEverything?(): boolean;
}

/** How long the event transport may be cut off before this instance stops reporting ready (SECURITY-CHECKLIST F-8). */
export const STALENESS_BUDGET_MS = 30_000;

/** This many entries in a row dead-lettered, none applied since: something else feeds the stream. */
export const DEAD_LETTER_STREAK = 3;

/** The transport is built after the application (bootstrap.ts), which registers it here. */
@Injectable()
export class SyncTransportRegistry implements OnModuleDestroy {
  private source?: SyncStatusSource;
  private lastConnectedAt = Date.now();
  private deadLettersInARow = 0;
  private lastDeadLetterAt = 0;
  private readonly deadLettered = new Map<DeadLetterReason, number>();
  private readonly watch = setInterval(() => this.observe(), 1000).unref();

  register(source: SyncStatusSource): void {
    this.source = source;
    this.lastConnectedAt = Date.now();
  }

  /** Milliseconds since the transport was last seen connected (0 while it is connected). */
  disconnectedForMs(now = Date.now()): number {
    this.observe(now);
    return now - this.lastConnectedAt;
  }

  /** The transport moved an entry to the dead-letter stream. */
  entryDeadLettered(reason: DeadLetterReason, now = Date.now()): void {
    this.deadLettersInARow++;
    this.lastDeadLetterAt = now;
    this.deadLettered.set(reason, (this.deadLettered.get(reason) ?? 0) + 1);
  }

  /** The transport applied (or deduplicated) an envelope. */
  entryAccepted(): void {
    this.deadLettersInARow = 0;
  }

  /**
   * Entries keep arriving (the last one within the staleness budget) and the last
   * DEAD_LETTER_STREAK of them could not be applied: the registry may be falling behind unseen.
   */
  refusingEverything(now = Date.now()): boolean {
    if (this.source?.refusingEverything) return this.source.refusingEverything();
    return this.deadLettersInARow >= DEAD_LETTER_STREAK && now - this.lastDeadLetterAt < STALENESS_BUDGET_MS;
  }

  onModuleDestroy(): void {
    clearInterval(this.watch);
  }

  private observe(now = Date.now()): void {
    if (!this.source || this.source.syncStatus().connected) this.lastConnectedAt = now;
  }

  status(): (SyncTransportStatus & { latestSeq?: number }) | undefined {
    if (!this.source) return undefined;
    return { ...this.source.syncStatus(), latestSeq: this.source.latestSeq?.() };
  }
}
