import { Injectable } from '@nestjs/common';
import type { SyncTransportStatus } from '../../../../libs/sync/src/index.js';

export interface SyncStatusSource {
  syncStatus(): SyncTransportStatus;
  /** The newest seq the transport knows of, when it can tell (the in-process bus can). */
  latestSeq?(): number;
}

/** The transport is built after the application (bootstrap.ts), which registers it here. */
@Injectable()
export class SyncTransportRegistry {
  private source?: SyncStatusSource;

  register(source: SyncStatusSource): void {
    this.source = source;
  }

  status(): (SyncTransportStatus & { latestSeq?: number }) | undefined {
    if (!this.source) return undefined;
    return { ...this.source.syncStatus(), latestSeq: this.source.latestSeq?.() };
  }
}
