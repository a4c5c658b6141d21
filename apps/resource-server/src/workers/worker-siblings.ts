import { SiblingChannel, workerSlot } from '#operability';
import type { LeaderTransportStatus, RegistryNotice, RegistrySiblings } from '#resource-guard';

const REGISTRY_TOPIC = 'registry';
const STATUS_TOPIC = 'registry-status';

/**
 * What this process shares with the other RESOURCE_WORKERS serving its port: the channel their
 * primary relays (libs/operability), and which of them reads the events. Built once per app
 * (ResourceAppModule.forRoot), before Nest's container, because the guard's config holds it.
 */
export class WorkerSiblings {
  readonly channel = new SiblingChannel();

  /** Slot 0 leads: its replacement after an exit leads again, resuming the same consumer group. */
  readonly leader = workerSlot() === 0;

  /** A pool worker other than the leader: it neither reads events nor loads snapshots. */
  get follower(): boolean {
    return workerSlot() !== undefined && !this.leader;
  }

  /** In a pool worker, what the registry needs; undefined in one process (no siblings). */
  registry(): RegistrySiblings | undefined {
    if (workerSlot() === undefined) return undefined;
    const { channel } = this;
    return {
      leader: this.leader,
      publish: (notice) => channel.publish(REGISTRY_TOPIC, notice),
      subscribe: (listener) => channel.subscribe(REGISTRY_TOPIC, (body) => listener(body as RegistryNotice)),
      publishStatus: (status) => channel.publish(STATUS_TOPIC, status),
      subscribeStatus: (listener) => channel.subscribe(STATUS_TOPIC, (body) => listener(body as LeaderTransportStatus)),
    };
  }
}
