/**
 * What a worker of a pool tells the others after it committed a change to the shared projection
 * tables. Followers re-read the entity named rather than trust the message's content: two workers'
 * messages may arrive in either order, and the last read after the last commit is what holds.
 * Revocations only ever add, so they travel whole.
 */
export type RegistryNotice =
  | { kind: 'client'; id: string; seq?: number }
  | { kind: 'scope'; id: string; seq?: number }
  | { kind: 'revoked'; clientId: string; grantIds: string[]; revokedBefore: string | null; expiresAt: string | null; seq: number }
  | { kind: 'seq'; seq: number }
  | { kind: 'all' }
  /** A follower's ask (a catch-up for a client it does not know): the leader loads a snapshot, then says `all`. */
  | { kind: 'resync' };

/**
 * Several processes serving one port on one projection database (the resource server's
 * RESOURCE_WORKERS). One of them, the leader, reads the events and applies them: two consumers
 * would apply them out of order. Every worker tells the others what it committed (the leader its
 * events and snapshots, any worker a local switch), and each keeps its memory in step from that.
 */
export interface RegistrySiblings {
  leader: boolean;
  publish(notice: RegistryNotice): void;
  subscribe(listener: (notice: RegistryNotice) => void): void;
  /** The leader's event transport, every second: the followers' readiness and sync status follow it. */
  publishStatus(status: LeaderTransportStatus): void;
  subscribeStatus(listener: (status: LeaderTransportStatus) => void): void;
}

/** How the leader's event transport is (RegistryEventConsumer). */
export interface LeaderTransportStatus {
  connected: boolean;
  lastDeliveredSeq: number;
  /** Its last entries were all dead-lettered (SyncTransportRegistry.refusingEverything). */
  refusing: boolean;
}
