import { afterEach, describe, expect, it } from '@jest/globals';
import { DEAD_LETTER_STREAK, STALENESS_BUDGET_MS, SyncTransportRegistry } from './sync-status.js';

describe(SyncTransportRegistry.name, () => {
  let sut: SyncTransportRegistry;
  afterEach(() => sut.onModuleDestroy());

  function transport(connected: { value: boolean }) {
    return { syncStatus: () => ({ transport: 'redis-streams' as const, connected: connected.value, lastDeliveredSeq: 0 }) };
  }

  it('counts nothing while the transport is connected', () => {
    sut = new SyncTransportRegistry();
    sut.register(transport({ value: true }));
    expect(sut.disconnectedForMs(Date.now() + 60_000)).toBe(0);
  });

  it('counts from the last moment it was seen connected', () => {
    sut = new SyncTransportRegistry();
    const connected = { value: true };
    sut.register(transport(connected));
    const seen = Date.now();
    sut.disconnectedForMs(seen);
    connected.value = false;
    expect(sut.disconnectedForMs(seen + 45_000)).toBe(45_000);
    connected.value = true;
    expect(sut.disconnectedForMs(seen + 46_000)).toBe(0);
  });

  it('refuses everything only after a streak of dead letters with nothing applied, while they keep coming', () => {
    sut = new SyncTransportRegistry();
    const now = Date.now();
    for (let i = 1; i < DEAD_LETTER_STREAK; i++) sut.entryDeadLettered('malformed', now);
    expect(sut.refusingEverything(now)).toBe(false);
    sut.entryDeadLettered('foreign', now);
    expect(sut.refusingEverything(now)).toBe(true);
    expect(sut.refusingEverything(now + STALENESS_BUDGET_MS)).toBe(false);
    sut.entryAccepted();
    expect(sut.refusingEverything(now)).toBe(false);
  });
});
