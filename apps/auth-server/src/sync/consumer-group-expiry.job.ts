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
 * take, or one seen without any consumer for that long (Redis gives it no idle time: an instance
 * that died right after creating its group, or whose consumers were deleted; the publisher keeps
 * when it first saw it so, beside the groups, so that a restart of the auth server does not start
 * the clock again). Otherwise every instance that ever ran (a group per host name and port: a new
 * one with each container) stays in the dashboard and in the sync_consumer_group_* labels, its
 * pending entries never acknowledged. The stream does not wait for it either way: the relay trims
 * by MAXLEN, whatever the groups have read. An instance that comes back after all loses nothing: a
 * running one gets NOGROUP, resyncs from a snapshot and recreates its group at the snapshot's seq;
 * a restarted one creates its group at the seq it applied, and resyncs on a trimmed gap. On one
 * auth server at a time (a lease row), at the retention job's interval; nothing to do on the
 * in-process bus, whose groups end with the one process holding both apps.
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
      const groups = await publisher.consumerGroups!();
      const withoutConsumers = await this.timesWithoutConsumers(groups);
      const removed: string[] = [];
      for (const group of groups) {
        const verdict = goneFor(group, withoutConsumers.get(group.group), expiryMs);
        if (!verdict) continue;
        if (!(await mayContinue())) break;
        if (!(await this.destroy(verdict))) continue;
        removed.push(group.group);
        this.report(verdict);
      }
      return removed;
    });
  }

  /** Every run names all the groups without consumers, so that one that gained a reader is forgotten. */
  private async timesWithoutConsumers(groups: ConsumerGroupState[]): Promise<Map<string, number>> {
    if (!this.publisher.timeWithoutConsumers) return new Map();
    return this.publisher.timeWithoutConsumers(groups.filter((group) => group.consumers === 0).map((group) => group.group));
  }

  private async destroy({ group, reason }: Gone): Promise<boolean> {
    if (reason === 'idle') return this.publisher.destroyIdleConsumerGroup!(group.group, this.config.syncGroupExpirySeconds * 1000);
    return (await this.publisher.destroyGroupWithoutConsumers?.(group.group)) ?? false;
  }

  private report({ group, reason, ms }: Gone): void {
    const seconds = Math.round(ms / 1000);
    const { syncStream: stream, syncGroupExpirySeconds: expirySeconds } = this.config;
    const why = reason === 'idle' ? `no consumer read for ${seconds} s` : `no consumer for ${seconds} s`;
    this.logger.warn(
      `consumer group ${group.group} on ${stream} destroyed: ${why} (SYNC_GROUP_EXPIRY_SECONDS=${expirySeconds}); ${group.pending} pending entries dropped`,
    );
    this.audit.record({
      action: 'sync.consumer_group.removed',
      actor: { type: 'anonymous', id: null },
      targetType: 'consumer_group',
      targetId: group.group,
      details:
        reason === 'idle'
          ? { stream, idleSeconds: seconds, expirySeconds, pendingEvents: group.pending }
          : { stream, withoutConsumersSeconds: seconds, expirySeconds, pendingEvents: group.pending },
    });
    for (const listener of this.listeners) listener(group.group);
  }
}

/** A group taken for gone, and for how long: every consumer idle (`idle`), or none at all (`no-consumer`). */
interface Gone {
  group: ConsumerGroupState;
  reason: 'idle' | 'no-consumer';
  ms: number;
}

/**
 * Without consumers: seen so for the whole period (a live instance registers its consumer with its
 * first read). With consumers: every one idle that long (idleMs is the least idle one's; the
 * publisher checks them all again before it destroys), with events to take. Before Redis 7.2,
 * `idle` counts from a consumer's last delivery, not its last read, so a running instance on a
 * quiet stream looks idle too (consumerGroups() then reports no idle time); but it takes an event
 * the moment one is added (its read is blocked waiting for it), so one that leaves events unread
 * for the whole period is gone.
 */
function goneFor(group: ConsumerGroupState, withoutConsumersMs: number | undefined, expiryMs: number): Gone | null {
  if (group.consumers === 0) {
    return withoutConsumersMs !== undefined && withoutConsumersMs >= expiryMs ? { group, reason: 'no-consumer', ms: withoutConsumersMs } : null;
  }
  return group.behind > 0 && group.idleMs !== null && group.idleMs >= expiryMs ? { group, reason: 'idle', ms: group.idleMs } : null;
}
