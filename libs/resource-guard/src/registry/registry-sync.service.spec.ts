import { describe, expect, it, jest } from '@jest/globals';
import type { RegistrySnapshot } from '#sync';
import type { RegistryNotice, RegistrySiblings } from '../config/registry-siblings.js';
import { GuardTelemetry } from '../telemetry/guard-telemetry.js';
import type { ProjectedClient, RegistryRows } from './registry.js';
import { RegistryProjection } from './registry-projection.js';
import type { RegistryRepository } from './registry.repository.js';
import { RegistrySyncService } from './registry-sync.service.js';

/** Two workers' RegistrySyncServices on one (fake) projection database, their notices relayed as the pool's primary does. */
function pool() {
  const rows: RegistryRows = {
    clients: [],
    scopes: [],
    revokedGrants: [],
    clientRevocations: [],
    state: { lastAppliedSeq: 3, snapshotLoadedAt: new Date(), updatedAt: new Date() },
  };
  const stored = new Map<string, ProjectedClient>();
  const repository = {
    loadAll: jest.fn(async () => ({ ...rows, clients: [...stored.values()] })),
    loadClient: jest.fn(async (clientId: string) => stored.get(clientId)),
    replaceFromSnapshot: jest.fn(async () => undefined),
    purgeExpiredGrants: jest.fn(async () => 0),
  };
  const snapshot: RegistrySnapshot = { seq: 9, clients: [], scopes: [], revocations: [] } as unknown as RegistrySnapshot;
  const loadSnapshot = jest.fn(async () => snapshot);
  const listeners: { worker: number; listener: (notice: RegistryNotice) => void }[] = [];
  const published: RegistryNotice[] = [];
  const siblingsOf = (worker: number, leader: boolean): RegistrySiblings => ({
    leader,
    publish: (notice) => {
      published.push(notice);
      // The primary relays to every other worker, asynchronously.
      for (const other of listeners) if (other.worker !== worker) setImmediate(() => other.listener(JSON.parse(JSON.stringify(notice)) as RegistryNotice));
    },
    subscribe: (listener) => listeners.push({ worker, listener }),
    publishStatus: () => undefined,
    subscribeStatus: () => undefined,
  });
  const worker = (index: number, leader: boolean) => {
    const projection = new RegistryProjection();
    const service = new RegistrySyncService(
      repository as unknown as RegistryRepository,
      projection,
      loadSnapshot,
      { authServerMode: 'portcullis', siblings: siblingsOf(index, leader) },
      new GuardTelemetry(),
    );
    return { service, projection };
  };
  return { stored, repository, loadSnapshot, published, leader: worker(0, true), follower: worker(1, false) };
}

const client = (clientId: string, enabled: boolean): ProjectedClient => ({
  clientId,
  name: clientId,
  version: '1',
  type: 'confidential',
  active: true,
  enabled,
  entityVersion: 1,
  scopesVersion: 0,
  scopes: new Set(),
});

describe('RegistrySyncService among RESOURCE_WORKERS', () => {
  it("never loads a snapshot at a follower: its resync asks the leader and resolves once the leader's reload reached it", async () => {
    const { leader, follower, loadSnapshot, repository, published, stored } = pool();
    await leader.service.onModuleInit();
    await follower.service.onModuleInit();
    stored.set('new-agent', client('new-agent', true)); // what the leader's snapshot will have written

    await follower.service.resync();

    expect(loadSnapshot).toHaveBeenCalledTimes(1); // by the leader, asked
    expect(repository.replaceFromSnapshot).toHaveBeenCalledTimes(1);
    expect(published.map((notice) => notice.kind)).toEqual(['resync', 'all']);
    expect(follower.projection.client('new-agent')).toBeDefined();
    for (const { service } of [leader, follower]) service.onApplicationShutdown();
  });

  it('stops waiting for a leader that does not answer, and keeps nothing of the wait', async () => {
    const { follower, loadSnapshot } = pool();
    await follower.service.onModuleInit(); // no leader in this pool
    jest.useFakeTimers();
    try {
      const waited = follower.service.resync();
      jest.advanceTimersByTime(5000);
      await waited;
    } finally {
      jest.useRealTimers();
    }
    expect(loadSnapshot).not.toHaveBeenCalled();
    expect((follower.service as unknown as { reloadWaiters: unknown[] }).reloadWaiters).toEqual([]);
    follower.service.onApplicationShutdown();
  });

  it("re-reads at the follower the client a sibling's local switch changed, and the leader does too", async () => {
    const { leader, follower, stored } = pool();
    stored.set('app', client('app', true));
    await leader.service.onModuleInit();
    await follower.service.onModuleInit();
    expect(leader.projection.client('app')?.enabled).toBe(true);

    // The switch is made through the follower (the repository fake writes nothing: set what it would have).
    const switched = jest.fn(async () => true);
    (follower.service as unknown as { repository: { setEnabled: typeof switched } }).repository.setEnabled = switched;
    stored.set('app', client('app', false));
    await follower.service.setEnabled('app', false);
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(follower.projection.client('app')?.enabled).toBe(false);
    expect(leader.projection.client('app')?.enabled).toBe(false);
    for (const { service } of [leader, follower]) service.onApplicationShutdown();
  });
});
