import { describe, expect, it } from '@jest/globals';
import { OFFLINE_AFTER_MS, syncViewOf } from './resource-server-sync.js';

const NOW = Date.UTC(2026, 11, 4, 18, 30, 0);
const group = { group: 'rs-a', consumers: 1, pending: 0, lastDeliveredSeq: 10, oldestUnackedSeq: null, behind: 0, idleMs: 200 };

describe('syncViewOf', () => {
  it('is in sync with no lag when the group acknowledged everything', () => {
    expect(syncViewOf(group, new Map(), NOW)).toEqual({
      group: 'rs-a',
      state: 'in_sync',
      consumers: 1,
      behindEvents: 0,
      pendingEvents: 0,
      lastDeliveredSeq: 10,
      lagSeconds: 0,
      idleSeconds: 0.2,
    });
  });

  it('is behind by the age of the oldest event it has not acknowledged', () => {
    const view = syncViewOf({ ...group, pending: 1, behind: 3, oldestUnackedSeq: 9 }, new Map([[9, new Date(NOW - 2_500)]]), NOW);
    expect(view).toMatchObject({ state: 'behind', behindEvents: 3, pendingEvents: 1, lagSeconds: 2.5 });
  });

  it('has an unknown lag when that event left the outbox', () => {
    expect(syncViewOf({ ...group, behind: 1, oldestUnackedSeq: 11 }, new Map(), NOW).lagSeconds).toBeNull();
  });

  it('is offline without consumers, or when none has read for a while (F-4)', () => {
    expect(syncViewOf({ ...group, consumers: 0 }, new Map(), NOW).state).toBe('offline');
    expect(syncViewOf({ ...group, idleMs: OFFLINE_AFTER_MS + 1 }, new Map(), NOW).state).toBe('offline');
    expect(syncViewOf({ ...group, idleMs: null }, new Map(), NOW).state).toBe('in_sync');
  });
});
