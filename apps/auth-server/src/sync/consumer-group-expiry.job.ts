import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConsumerGroupState, SyncPublisher } from '#sync';
import { AuditWriter } from '../audit/audit-writer.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { LeasedMaintenance } from '../retention/leased-maintenance.js';
import { MaintenanceLeasesRepository } from '../retention/maintenance-leases.repository.js';
import { SYNC_PUBLISHER } from './sync-publisher.provider.js';

/** The lease row's name in maintenance_leases (beside "retention" and "dynamic-client-cleanup"). */
const LEASE_NAME = 'sync-group-expiry';

/**
 * Destroys the consumer group of a resource-server instance gone for good (SECURITY-CHECKLIST
 * F-4): one whose consumers have all been idle SYNC_GROUP_EXPIRY_SECONDS while it had events to
 * take. Otherwise every instance that ever ran (a group per host name and port: a new one with
 * each container) stays in the dashboard and in the sync_consumer_group_* labels, its pending
 * entries never acknowledged. The stream does not wait for it either way: the relay trims by
 * MAXLEN, whatever the groups have read. An instance that comes back after all loses nothing: a
 * running one gets NOGROUP, recreates its group and resyncs from a snapshot; a restarted one
 * creates its group at the stream's start, where the seq checks skip what it applied and resync
 * on a trimmed gap. On one auth server at a time (a lease row), at the retention job's interval;
 * nothing to do on the in-process bus, whose groups end with the one process holding both apps.
 */
@Injectable()
export class ConsumerGroupExpiryJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ConsumerGroupExpiryJob.name);
  private readonly maintenance: LeasedMaintenance;
  private readonly listeners: ((group: string) => void)[] = [];

  constructor(
    @Inject(SYNC_PUBLISHER) private readonly publisher: SyncPublisher,
    leases: MaintenanceLeasesRepository,
    private readonly audit: AuditWriter,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {
    this.maintenance = new LeasedMaintenance(leases, LEASE_NAME, this.logger);
  }

  onApplicationBootstrap(): void {
    if (!this.publisher.destroyIdleConsumerGroup) return;
    this.maintenance.schedule(this.config.retention.intervalSeconds, () => this.runOnce());
  }

  onModuleDestroy(): Promise<void> {
    return this.maintenance.stop();
  }

  /** Metrics subscribe here, so that the job does not depend on them. */
  onRemoved(listener: (group: string) => void): void {
    this.listeners.push(listener);
  }

  /** One run now: the groups destroyed, or null when another instance holds the lease. */
  async runOnce(): Promise<string[] | null> {
    const { publisher } = this;
    if (!publisher.consumerGroups || !publisher.destroyIdleConsumerGroup) return [];
    const expiryMs = this.config.syncGroupExpirySeconds * 1000;
    return this.maintenance.withLease(async (mayContinue) => {
      const removed: string[] = [];
      for (const group of await publisher.consumerGroups!()) {
        if (!gone(group, expiryMs)) continue;
        if (!(await mayContinue())) break;
        if (!(await publisher.destroyIdleConsumerGroup!(group.group, expiryMs))) continue;
        removed.push(group.group);
        this.report(group);
      }
      return removed;
    });
  }

  private report(group: ConsumerGroupState): void {
    const idleSeconds = Math.round(group.idleMs! / 1000);
    this.logger.warn(
      `consumer group ${group.group} on ${this.config.syncStream} destroyed: no consumer read for ${idleSeconds} s (SYNC_GROUP_EXPIRY_SECONDS=${this.config.syncGroupExpirySeconds}); ${group.pending} pending entries dropped`,
    );
    this.audit.record({
      action: 'sync.consumer_group.removed',
      actor: { type: 'anonymous', id: null },
      targetType: 'consumer_group',
      targetId: group.group,
      details: { stream: this.config.syncStream, idleSeconds, expirySeconds: this.config.syncGroupExpirySeconds, pendingEvents: group.pending },
    });
    for (const listener of this.listeners) listener(group.group);
  }
}

/**
 * Every consumer idle that long (idleMs is the least idle one's; the publisher checks them all
 * again before it destroys), with events to take. Before Redis 7.2, `idle` counts from a
 * consumer's last delivery, not its last read, so a running instance on a quiet stream looks idle
 * too; but it takes an event the moment one is added (its read is blocked waiting for it), so one
 * that leaves events unread for the whole period is gone.
 */
function gone(group: ConsumerGroupState, expiryMs: number): boolean {
  return group.behind > 0 && group.idleMs !== null && group.idleMs >= expiryMs;
}
