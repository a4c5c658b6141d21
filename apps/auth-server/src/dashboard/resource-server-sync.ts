import { Inject, Injectable } from '@nestjs/common';
import type { ConsumerGroupState, SyncPublisher } from '#sync';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SYNC_PUBLISHER } from '../sync/sync-publisher.provider.js';
import { ActivityRepository } from './activity.repository.js';

/** A consumer that has not read for this long is gone: a live one reads at least every BLOCK (1 s). */
export const OFFLINE_AFTER_MS = 30_000;

export type ResourceServerSyncState = 'in_sync' | 'behind' | 'offline';

/** One resource-server instance (its consumer group), as the dashboard shows it. */
export interface ResourceServerSyncView {
  group: string;
  state: ResourceServerSyncState;
  consumers: number;
  /** Events it has not acknowledged yet (not delivered, plus delivered and pending). */
  behindEvents: number;
  pendingEvents: number;
  lastDeliveredSeq: number;
  /** Propagation lag: the age of the oldest event it has not acknowledged; 0 when in sync, null when unknown. */
  lagSeconds: number | null;
  /** Seconds since it last read from the stream (Redis only). */
  idleSeconds: number | null;
}

export interface SyncOverview {
  transport: 'redis-streams' | 'in-process';
  resourceServers: ResourceServerSyncView[];
}

/**
 * Each resource server's sync state read where the events go (the Redis stream's consumer groups,
 * or the in-process bus), so that the auth server knows every instance without knowing their
 * addresses; the lag in seconds comes from the outbox's time of the oldest event not acknowledged.
 */
@Injectable()
export class ResourceServerSync {
  constructor(
    @Inject(SYNC_PUBLISHER) private readonly publisher: SyncPublisher,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly repository: ActivityRepository,
  ) {}

  async overview(now = Date.now()): Promise<SyncOverview> {
    const groups = (await this.publisher.consumerGroups?.()) ?? [];
    const times = await this.repository.eventTimes(groups.map((group) => group.oldestUnackedSeq).filter((seq): seq is number => seq !== null));
    return {
      transport: this.config.redisUrl ? 'redis-streams' : 'in-process',
      resourceServers: groups.map((group) => syncViewOf(group, times, now)).sort((a, b) => a.group.localeCompare(b.group)),
    };
  }
}

export function syncViewOf(group: ConsumerGroupState, eventTimes: ReadonlyMap<number, Date>, now: number): ResourceServerSyncView {
  const oldest = group.oldestUnackedSeq === null ? undefined : eventTimes.get(group.oldestUnackedSeq);
  const lagSeconds = group.behind === 0 ? 0 : oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : null;
  const offline = group.consumers === 0 || (group.idleMs !== null && group.idleMs > OFFLINE_AFTER_MS);
  return {
    group: group.group,
    state: offline ? 'offline' : group.behind > 0 ? 'behind' : 'in_sync',
    consumers: group.consumers,
    behindEvents: group.behind,
    pendingEvents: group.pending,
    lastDeliveredSeq: group.lastDeliveredSeq,
    lagSeconds,
    idleSeconds: group.idleMs === null ? null : group.idleMs / 1000,
  };
}
