import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { RegistrySnapshot, SyncEnvelope } from '#sync';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { GuardTelemetry } from '../telemetry/guard-telemetry.js';
import { entityOf, isAlreadyApplied, planChange } from './apply-rules.js';
import { RegistryProjection } from './registry-projection.js';
import { RegistryRepository, type SwitchAlongside } from './registry.repository.js';
import type { RegistryNotice } from '../config/registry-siblings.js';
import { noticeOf, revocationOf } from './registry-siblings.js';
import { SNAPSHOT_LOADER, type SnapshotLoader } from './snapshot-loader.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;
const SNAPSHOT_RETRY_MS = 1000;
/** A follower that failed to re-read what a sibling told it reloads everything this often until it succeeds. */
const FOLLOWER_RELOAD_RETRY_MS = 1000;
/** How long a follower's resync waits for the leader's snapshot before it judges with what it holds. */
const LEADER_RESYNC_WAIT_MS = 5000;

/** Told of every event applied (after its commit): the kind and when it happened at the auth server. */
export type EventAppliedListener = (kind: string, occurredAt: string) => void;

/**
 * Keeps the projection in step with the auth server: applies events (one transaction each,
 * together with last_applied_seq), loads snapshots, and mirrors every commit into memory.
 * Writes are serialized so that a snapshot and an event never interleave.
 * Among RESOURCE_WORKERS (config.siblings), only the leader applies events and snapshots; every
 * worker tells the others what it committed, and a follower re-reads that from the database.
 */
@Injectable()
export class RegistrySyncService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RegistrySync');
  private queue: Promise<unknown> = Promise.resolve();
  private purgeTimer?: NodeJS.Timeout;
  private snapshotRetry?: NodeJS.Timeout;
  private followerReload?: NodeJS.Timeout;
  /** A follower's resync() calls waiting for the next full reload (the leader's snapshot). */
  private reloadWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly eventAppliedListeners: EventAppliedListener[] = [];

  constructor(
    private readonly repository: RegistryRepository,
    private readonly projection: RegistryProjection,
    @Inject(SNAPSHOT_LOADER) private readonly loadSnapshot: SnapshotLoader,
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: Pick<ResourceGuardConfig, 'authServerMode' | 'siblings'>,
    private readonly telemetry: GuardTelemetry,
  ) {}

  /** AUTH_SERVER_MODE=external: no snapshot or event ever comes; the registry holds the local switches only. */
  private get external(): boolean {
    return this.config.authServerMode === 'external';
  }

  /** A worker that is not the leader: it neither reads events nor loads snapshots. */
  private get follower(): boolean {
    return this.config.siblings !== undefined && !this.config.siblings.leader;
  }

  async onModuleInit(): Promise<void> {
    // Subscribed before the first load, so that a notice of a later commit waits behind it.
    this.config.siblings?.subscribe((notice) => this.onSiblingNotice(notice));
    await this.serialized(async () => this.projection.replaceAll(await this.repository.loadAll()));
    // Never loaded (a fresh database): fetch a snapshot in the background; 503 until it lands
    // (a follower waits for the leader's).
    if (!this.projection.isReady() && !this.external && !this.follower) void this.resyncUntilLoaded();
    this.purgeTimer = setInterval(() => void this.purgeExpiredGrants(), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.purgeTimer);
    clearTimeout(this.snapshotRetry);
    clearTimeout(this.followerReload);
  }

  /** Metrics subscribe here, so that the registry does not depend on them. */
  onEventApplied(listener: EventAppliedListener): void {
    this.eventAppliedListeners.push(listener);
  }

  lastAppliedSeq(): number {
    return this.projection.syncState().lastAppliedSeq;
  }

  /** Applies one envelope idempotently; resolves only after the commit (the transport then acks). */
  apply(envelope: SyncEnvelope): Promise<void> {
    return this.serialized(async () => {
      const result = await this.repository.applyEvent(envelope.seq, entityOf(envelope), (lastAppliedSeq, stored) =>
        isAlreadyApplied(envelope.seq, lastAppliedSeq) ? 'skip' : planChange(envelope, stored),
      );
      // Applied meanwhile (a snapshot loaded after the transport's own seq check): a duplicate too.
      if (result === 'skip') return this.telemetry.duplicateDelivered();
      if (result) this.projection.applyChange(result);
      this.projection.setLastAppliedSeq(envelope.seq);
      this.config.siblings?.publish(noticeOf(result, envelope.seq));
      for (const listener of this.eventAppliedListeners) listener(envelope.kind, envelope.occurredAt);
    });
  }

  /**
   * Replaces the projection from the auth server's snapshot (start, a reported gap, a catch-up).
   * A follower asks the leader instead and waits for the reload that follows: a snapshot written
   * by a second process could land after events the leader applied past it, and undo them.
   */
  resync(): Promise<void> {
    if (this.follower) return this.leaderResync();
    return this.serialized(async () => {
      const snapshot: RegistrySnapshot = await this.loadSnapshot();
      await this.repository.replaceFromSnapshot(snapshot);
      this.projection.replaceAll(await this.repository.loadAll());
      this.config.siblings?.publish({ kind: 'all' });
      this.logger.log(`registry snapshot loaded at seq ${snapshot.seq}`);
    });
  }

  /** In external mode any client_id can be switched: no event brings the clients to switch. */
  async setEnabled(clientId: string, enabled: boolean, alongside?: SwitchAlongside): Promise<boolean> {
    return this.serialized(async () => {
      if (this.external) {
        await this.repository.setLocalSwitch(clientId, enabled, alongside);
        this.projection.replaceAll(await this.repository.loadAll());
        this.config.siblings?.publish({ kind: 'all' });
        return true;
      }
      const found = await this.repository.setEnabled(clientId, enabled, alongside);
      if (found) {
        this.projection.setEnabled(clientId, enabled);
        this.config.siblings?.publish({ kind: 'client', id: clientId });
      }
      return found;
    });
  }

  private leaderResync(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        // Gone from the list however it ends: a leader that never answers leaves nothing behind.
        this.reloadWaiters = this.reloadWaiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, LEADER_RESYNC_WAIT_MS);
      timer.unref();
      this.reloadWaiters.push(done);
      this.config.siblings!.publish({ kind: 'resync' });
    });
  }

  private async resyncUntilLoaded(): Promise<void> {
    if (this.stopped || this.projection.isReady()) return;
    try {
      await this.resync();
    } catch (error) {
      this.logger.warn(`registry snapshot not loaded yet, retrying: ${(error as Error).message}`);
      this.snapshotRetry = setTimeout(() => void this.resyncUntilLoaded(), SNAPSHOT_RETRY_MS);
      this.snapshotRetry.unref();
    }
  }

  private onSiblingNotice(notice: RegistryNotice): void {
    if (notice.kind !== 'resync') return void this.serialized(() => this.follow(notice));
    // A follower's catch-up: the leader alone loads snapshots.
    if (!this.follower) this.resync().catch((error: unknown) => this.logger.warn(`registry resync for a sibling failed: ${(error as Error).message}`));
  }

  /**
   * A sibling committed what `notice` names: re-read it (a revocation, which only adds, is taken
   * as told). If the database cannot be read, this worker would keep admitting what was just
   * disabled or revoked: it reloads everything every FOLLOWER_RELOAD_RETRY_MS until it can.
   */
  private async follow(notice: RegistryNotice): Promise<void> {
    try {
      switch (notice.kind) {
        case 'all': {
          this.projection.replaceAll(await this.repository.loadAll());
          const waiters = this.reloadWaiters;
          this.reloadWaiters = [];
          for (const resolve of waiters) resolve();
          break;
        }
        case 'client':
          this.projection.putClient(notice.id, await this.repository.loadClient(notice.id));
          break;
        case 'scope':
          this.projection.putScope(notice.id, await this.repository.loadScope(notice.id));
          break;
        case 'revoked':
          this.projection.applyChange(revocationOf(notice));
          break;
      }
      if ('seq' in notice && notice.seq !== undefined) this.projection.setLastAppliedSeq(notice.seq);
    } catch (error) {
      this.logger.warn(`a sibling's change could not be read, reloading the registry: ${(error as Error).message}`);
      this.scheduleFollowerReload();
    }
  }

  private scheduleFollowerReload(): void {
    if (this.stopped || this.followerReload) return;
    this.followerReload = setTimeout(() => {
      this.followerReload = undefined;
      void this.serialized(() => this.follow({ kind: 'all' }));
    }, FOLLOWER_RELOAD_RETRY_MS);
    this.followerReload.unref();
  }

  /**
   * Every PURGE_INTERVAL_MS (and by tests): the expired revocations leave the database and memory
   * (a follower's memory only: the leader purges the shared tables).
   */
  async purgeExpiredGrants(): Promise<void> {
    try {
      if (!this.follower) this.telemetry.revocationsPruned(await this.repository.purgeExpiredGrants());
      this.projection.purgeExpiredGrants();
    } catch (error) {
      this.logger.warn(`purging expired revocations failed: ${(error as Error).message}`);
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
