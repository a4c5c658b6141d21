import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SyncTransportStatus } from '../../../../libs/sync/src/index.js';

export interface SyncStatusSource {
  syncStatus(): SyncTransportStatus;
  /** The newest seq the transport knows of, when it can tell (the in-process bus can). */
  latestSeq?(): number;
}

/** How long the event transport may be cut off before this instance stops reporting ready (SECURITY-CHECKLIST F-8). */
export const STALENESS_BUDGET_MS = 30_000;

/** The transport is built after the application (bootstrap.ts), which registers it here. */
@Injectable()
export class SyncTransportRegistry implements OnModuleDestroy {
  private source?: SyncStatusSource;
  private lastConnectedAt = Date.now();
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
