import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InProcessTransport, RedisStreamsTransport, SyncEvents, type SyncConsumerOptions, type SyncEnvelope, type SyncTransportServer } from '#sync';
import type { LeaderTransportStatus, RegistrySiblings } from '../config/registry-siblings.js';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { GuardTelemetry } from '../telemetry/guard-telemetry.js';
import { EventVerifier } from './event-verifier.js';
import { RegistrySyncService } from './registry-sync.service.js';
import { SyncTransportRegistry } from './sync-status.js';

/** How often a pool's leader tells the followers how its event transport is. */
const STATUS_EVERY_MS = 1000;
/** A follower that has not heard from the leader this long counts its transport as disconnected. */
const LEADER_SILENT_MS = 3000;

/**
 * Feeds the registry with the auth server's events: Redis Streams (signed envelopes only), the
 * launcher's in-process bus, or, with neither, a snapshot reloaded every snapshotPollMs. The
 * transport is driven here rather than as a Nest microservice, so an embedding app needs no
 * connectMicroservice/startAllMicroservices: it starts once every onModuleInit ran (the stored
 * registry and lastAppliedSeq are loaded; a consumer seeing lastAppliedSeq 0 would take every
 * redelivery for a gap), and stops before the database closes, finishing (and acking) the event
 * it is applying.
 */
@Injectable()
export class RegistryEventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RegistryEvents');
  private transport?: SyncTransportServer;
  private snapshotPoll?: NodeJS.Timeout;
  private statusBroadcast?: NodeJS.Timeout;

  constructor(
    private readonly sync: RegistrySyncService,
    private readonly transports: SyncTransportRegistry,
    private readonly telemetry: GuardTelemetry,
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: ResourceGuardConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Another authorization server sends no events (external mode).
    if (this.config.authServerMode === 'external') return;
    // One consumer per pool: the leader; the others follow it (registry-siblings.ts).
    if (this.config.siblings && !this.config.siblings.leader) return this.followLeaderStatus(this.config.siblings);
    const transport = this.createTransport();
    if (transport === undefined) return this.pollSnapshots();
    for (const kind of Object.values(SyncEvents)) transport.addHandler(kind, (envelope: SyncEnvelope) => this.sync.apply(envelope), true);
    transport.listen(() => undefined);
    this.transport = transport;
    if (this.config.siblings) this.broadcastStatus(this.config.siblings, transport);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.snapshotPoll);
    clearInterval(this.statusBroadcast);
    await this.transport?.close();
  }

  private createTransport(): SyncTransportServer | undefined {
    const { config, sync, transports, telemetry } = this;
    const consumer: SyncConsumerOptions = {
      group: config.consumerGroup,
      lastAppliedSeq: async () => sync.lastAppliedSeq(),
      onGap: () => sync.resync(),
      onDeadLetter: (reason) => {
        transports.entryDeadLettered(reason);
        telemetry.deadLettered(reason);
      },
      onAccepted: () => transports.entryAccepted(),
      onDuplicate: () => telemetry.duplicateDelivered(),
    };
    if (config.redisUrl) {
      // Anything can write to Redis: only envelopes the auth server signed are applied.
      const verifier = new EventVerifier(config, () => telemetry.jwksFetched());
      const transport = new RedisStreamsTransport({
        ...consumer,
        redisUrl: config.redisUrl,
        stream: config.syncStream,
        consumer: randomUUID(),
        decode: verifier.verify,
      });
      transports.register(transport);
      return transport;
    }
    if (config.eventBus) {
      const bus = config.eventBus;
      // Unsigned: nothing outside this process can write to the in-process bus.
      const transport = new InProcessTransport({ ...consumer, bus });
      transports.register({ syncStatus: () => transport.syncStatus(), latestSeq: () => bus.lastSeq });
      return transport;
    }
    return undefined;
  }

  /** The leader tells the followers every STATUS_EVERY_MS how its transport is: they are as stale as it is. */
  private broadcastStatus(siblings: RegistrySiblings, transport: SyncTransportServer): void {
    const { transports } = this;
    this.statusBroadcast = setInterval(() => {
      const { connected, lastDeliveredSeq } = transport.syncStatus();
      siblings.publishStatus({ connected, lastDeliveredSeq, refusing: transports.refusingEverything() });
    }, STATUS_EVERY_MS);
    this.statusBroadcast.unref();
  }

  /**
   * A follower's transport is the leader's: readiness, the sync status and its metrics read what the
   * leader last said, and a leader not heard from for LEADER_SILENT_MS counts as disconnected.
   */
  private followLeaderStatus(siblings: RegistrySiblings): void {
    let heard: LeaderTransportStatus = { connected: true, lastDeliveredSeq: 0, refusing: false };
    let heardAt = Date.now();
    siblings.subscribeStatus((status) => {
      heard = status;
      heardAt = Date.now();
    });
    this.transports.register({
      syncStatus: () => ({
        transport: 'redis-streams',
        connected: heard.connected && Date.now() - heardAt < LEADER_SILENT_MS,
        lastDeliveredSeq: heard.lastDeliveredSeq,
      }),
      refusingEverything: () => heard.refusing,
    });
  }

  private pollSnapshots(): void {
    if (this.config.snapshotPollMs === undefined) {
      // No event source at all: the registry only changes through snapshots. Say so loudly.
      this.logger.warn('no Redis URL and no in-process event bus: registry changes will not be received');
      return;
    }
    this.logger.log(`no Redis URL: the registry snapshot is reloaded every ${this.config.snapshotPollMs} ms`);
    this.snapshotPoll = setInterval(() => {
      this.sync.resync().catch((error: unknown) => this.logger.warn(`registry snapshot reload failed: ${(error as Error).message}`));
    }, this.config.snapshotPollMs);
    this.snapshotPoll.unref();
  }
}
