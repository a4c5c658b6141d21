import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { runWithRequestContext } from '#observability';
import type { PendingAuditRow } from './audit-event.js';
import type { AuditEventsRepository } from './audit-events.repository.js';
import { AUDIT_BATCH_ROWS, AUDIT_FLUSH_MS, AuditWriter } from './audit-writer.js';

function writerWithFakeRepository(): { writer: AuditWriter; batches: PendingAuditRow[][] } {
  const batches: PendingAuditRow[][] = [];
  const repository = { insertMany: async (rows: PendingAuditRow[]) => void batches.push(rows) } as unknown as AuditEventsRepository;
  return { writer: new AuditWriter(repository), batches };
}

describe('AuditWriter', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('buffers in memory and writes one batch after the flush interval', async () => {
    const { writer, batches } = writerWithFakeRepository();
    writer.record({ action: 'token.issued' });
    writer.record({ action: 'token.refreshed' });
    expect(batches).toHaveLength(0);
    jest.advanceTimersByTime(AUDIT_FLUSH_MS);
    await writer.flush();
    expect(batches.map((batch) => batch.map((row) => row.action))).toEqual([['token.issued', 'token.refreshed']]);
  });

  it('writes at once when a batch is full', async () => {
    const { writer, batches } = writerWithFakeRepository();
    for (let i = 0; i < AUDIT_BATCH_ROWS; i++) writer.record({ action: 'token.issued' });
    await writer.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(AUDIT_BATCH_ROWS);
  });

  it('takes ip, request id and actor from the request context, and redacts details', async () => {
    const { writer, batches } = writerWithFakeRepository();
    runWithRequestContext({ requestId: 'r-1', ip: '10.0.0.1', actor: { type: 'user', id: 'admin' } }, () =>
      writer.record({ action: 'client.updated', details: { change: { clientSecret: 'x', name: 'n' } } }),
    );
    writer.record({ action: 'login.failed' });
    await writer.onModuleDestroy();
    expect(batches[0][0]).toMatchObject({
      actor: 'admin',
      actorType: 'user',
      ip: '10.0.0.1',
      requestId: 'r-1',
      details: { change: { clientSecret: '[redacted]', name: 'n' } },
    });
    expect(batches[0][1]).toMatchObject({ actor: null, actorType: 'anonymous', ip: null, requestId: null });
  });

  it('writes row by row when the database refuses a batch, so one bad row loses only itself', async () => {
    const stored: string[] = [];
    const repository = {
      insertMany: async (rows: PendingAuditRow[]) => {
        if (rows.some((row) => row.action === 'refused')) throw new Error('refused by the database');
        stored.push(...rows.map((row) => row.action));
      },
    } as unknown as AuditEventsRepository;
    const writer = new AuditWriter(repository);
    for (const action of ['token.issued', 'refused', 'login.failed']) writer.record({ action } as never);
    await writer.flush();
    expect(stored).toEqual(['token.issued', 'login.failed']);
  });

  it('stores NUL and lone surrogates as U+FFFD in actor, target and details', async () => {
    const { writer, batches } = writerWithFakeRepository();
    writer.record({ action: 'login.failed', actor: { type: 'user', id: 'a\u0000' }, targetId: 'x\uDC00', details: { 'k\u0000': 'v\uD800' } });
    await writer.flush();
    expect(batches[0][0]).toMatchObject({ actor: 'a\uFFFD', targetId: 'x\uFFFD', details: { 'k\uFFFD': 'v\uFFFD' } });
  });
});
