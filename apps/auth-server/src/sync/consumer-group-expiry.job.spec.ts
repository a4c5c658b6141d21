import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ConsumerGroupState, SyncPublisher } from '#sync';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { AuthServerConfig } from '../config/auth-server.config.js';
import type { MaintenanceLeasesRepository } from '../retention/maintenance-leases.repository.js';
import { ConsumerGroupExpiryJob } from './consumer-group-expiry.job.js';

const HOUR_MS = 3_600_000;
const config = { syncGroupExpirySeconds: 3600, syncStream: 'events', retention: { intervalSeconds: 0, batchSize: 1 } } as AuthServerConfig;
const leases = { hold: async () => true, release: async () => undefined } as unknown as MaintenanceLeasesRepository;

function group(name: string, state: Partial<ConsumerGroupState>): ConsumerGroupState {
  return { group: name, consumers: 1, pending: 0, lastDeliveredSeq: 1, oldestUnackedSeq: null, behind: 0, idleMs: 0, ...state };
}

/** `withoutConsumersMs`: how long the publisher has seen each group without consumers (0 for one it sees so first). */
function jobOver(groups: ConsumerGroupState[], withoutConsumersMs: Record<string, number> = {}) {
  const destroy = jest.fn<NonNullable<SyncPublisher['destroyIdleConsumerGroup']>>(async () => true);
  const destroyWithoutConsumers = jest.fn<NonNullable<SyncPublisher['destroyGroupWithoutConsumers']>>(async () => true);
  const timeWithoutConsumers = jest.fn<NonNullable<SyncPublisher['timeWithoutConsumers']>>(
    async (names) => new Map(names.map((name) => [name, withoutConsumersMs[name] ?? 0])),
  );
  const publisher: SyncPublisher = {
    publish: async () => undefined,
    close: async () => undefined,
    consumerGroups: async () => groups,
    destroyIdleConsumerGroup: destroy,
    timeWithoutConsumers,
    destroyGroupWithoutConsumers: destroyWithoutConsumers,
  };
  const audited: unknown[] = [];
  const audit = { record: (event: unknown) => void audited.push(event) } as unknown as AuditWriter;
  return { sut: new ConsumerGroupExpiryJob(publisher, leases, audit, config), destroy, destroyWithoutConsumers, timeWithoutConsumers, audited };
}

describe(ConsumerGroupExpiryJob.name, () => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  it('destroys only a group that left events unread while every consumer was idle past the expiry', async () => {
    const { sut, destroy } = jobOver([
      group('rs-gone', { behind: 3, pending: 1, idleMs: 2 * HOUR_MS }),
      // Idle as long, but nothing to read: before Redis 7.2 a running instance on a quiet stream looks like this.
      group('rs-quiet', { behind: 0, idleMs: 2 * HOUR_MS }),
      group('rs-behind', { behind: 3, idleMs: 1000 }),
      group('rs-no-consumer', { consumers: 0, behind: 3, idleMs: null }),
    ]);
    expect(await sut.runOnce()).toEqual(['rs-gone']);
    expect(destroy.mock.calls).toEqual([['rs-gone', HOUR_MS]]);
  });

  it('audits and reports each group destroyed, and not one a consumer read from meanwhile', async () => {
    const { sut, destroy, audited } = jobOver([group('rs-gone', { behind: 3, pending: 1, idleMs: 2 * HOUR_MS }), group('rs-back', { behind: 1, idleMs: 2 * HOUR_MS })]);
    destroy.mockImplementation(async (name) => name === 'rs-gone');
    const reported: string[] = [];
    sut.onRemoved((name) => reported.push(name));
    expect(await sut.runOnce()).toEqual(['rs-gone']);
    expect(reported).toEqual(['rs-gone']);
    expect(audited).toEqual([
      {
        action: 'sync.consumer_group.removed',
        actor: { type: 'anonymous', id: null },
        targetType: 'consumer_group',
        targetId: 'rs-gone',
        details: { stream: 'events', idleSeconds: 7200, expirySeconds: 3600, pendingEvents: 1 },
      },
    ]);
  });

  it('destroys a group without consumers once it has been seen so for the expiry, whether or not it has events to take', async () => {
    const { sut, destroy, destroyWithoutConsumers, timeWithoutConsumers } = jobOver(
      [
        group('rs-just-created', { consumers: 0, behind: 3, idleMs: null }),
        group('rs-never-read', { consumers: 0, behind: 3, idleMs: null }),
        group('rs-at-the-end', { consumers: 0, behind: 0, idleMs: null }),
        group('rs-reading', { behind: 0, idleMs: 1000 }),
      ],
      { 'rs-just-created': HOUR_MS / 2, 'rs-never-read': 2 * HOUR_MS, 'rs-at-the-end': HOUR_MS },
    );
    expect(await sut.runOnce()).toEqual(['rs-never-read', 'rs-at-the-end']);
    expect(destroyWithoutConsumers.mock.calls).toEqual([['rs-never-read'], ['rs-at-the-end']]);
    expect(destroy).not.toHaveBeenCalled();
    // Only the groups without consumers now: the publisher forgets one that gained a reader since.
    expect(timeWithoutConsumers.mock.calls).toEqual([[['rs-just-created', 'rs-never-read', 'rs-at-the-end']]]);
  });

  it('still names the groups without consumers when there are none, so that the publisher forgets every earlier one', async () => {
    const { sut, timeWithoutConsumers } = jobOver([group('rs-reading', { idleMs: 1000 })]);
    expect(await sut.runOnce()).toEqual([]);
    expect(timeWithoutConsumers.mock.calls).toEqual([[[]]]);
  });

  it('audits a group removed for having had no consumer, and not one that gained a consumer meanwhile', async () => {
    const { sut, destroyWithoutConsumers, audited } = jobOver(
      [group('rs-never-read', { consumers: 0, behind: 2, idleMs: null }), group('rs-joined', { consumers: 0, behind: 2, idleMs: null })],
      { 'rs-never-read': 2 * HOUR_MS, 'rs-joined': 2 * HOUR_MS },
    );
    destroyWithoutConsumers.mockImplementation(async (name) => name === 'rs-never-read');
    expect(await sut.runOnce()).toEqual(['rs-never-read']);
    expect(audited).toEqual([
      {
        action: 'sync.consumer_group.removed',
        actor: { type: 'anonymous', id: null },
        targetType: 'consumer_group',
        targetId: 'rs-never-read',
        details: { stream: 'events', withoutConsumersSeconds: 7200, expirySeconds: 3600, pendingEvents: 0 },
      },
    ]);
  });

  it('has nothing to do on a publisher without consumer groups (the in-process bus)', async () => {
    const sut = new ConsumerGroupExpiryJob({ publish: async () => undefined, close: async () => undefined }, leases, {} as AuditWriter, config);
    expect(await sut.runOnce()).toEqual([]);
  });
});
