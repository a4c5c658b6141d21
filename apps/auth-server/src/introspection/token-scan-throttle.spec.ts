import { describe, expect, it } from '@jest/globals';
import { TooManyAttempts } from '#oauth';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import { TokenScanThrottle } from './token-scan-throttle.js';

const scanner = { clientId: 'scanner' } as Client;
const other = { clientId: 'other' } as Client;
const request = { id: 'req-1', ip: '192.0.2.1' };
const JWT_SHAPED = 'aaa.bbb.ccc';

function throttleWithFakeAudit(): { sut: TokenScanThrottle; events: AuditEventInput[] } {
  const events: AuditEventInput[] = [];
  const audit = { record: (event: AuditEventInput) => void events.push(event) } as unknown as AuditWriter;
  const sut = new TokenScanThrottle(audit);
  sut.usePolicy({ maxUnknownTokens: 2, windowSeconds: 60 });
  return { sut, events };
}

function refusal(act: () => void): TooManyAttempts | undefined {
  try {
    act();
  } catch (error) {
    if (error instanceof TooManyAttempts) return error;
    throw error;
  }
  return undefined;
}

describe(TokenScanThrottle.name, () => {
  it('answers up to the limit, then refuses that client with 429 and Retry-After, and audits the lock once', () => {
    const { sut, events } = throttleWithFakeAudit();
    sut.unknownToken(scanner, 'guess-1', request);
    sut.unknownToken(scanner, 'guess-2', request);
    const refused = refusal(() => sut.beforeLookup(scanner, 'guess-3'));
    expect(refused?.status).toBe(429);
    expect(refused?.headers).toMatchObject({ 'Retry-After': '60' });
    expect(refusal(() => sut.unknownToken(scanner, JWT_SHAPED, request))).toBeInstanceOf(TooManyAttempts);
    expect(events).toEqual([
      { action: 'introspection.throttled', actor: { type: 'client', id: 'scanner' }, targetType: 'client', targetId: 'scanner', details: { limit: 2, windowSeconds: 60 } },
    ]);
  });

  it('lets a locked client present JWTs, which may prove themselves ours by their signature', () => {
    const { sut } = throttleWithFakeAudit();
    sut.unknownToken(scanner, 'guess-1', request);
    sut.unknownToken(scanner, 'guess-2', request);
    expect(refusal(() => sut.beforeLookup(scanner, JWT_SHAPED))).toBeUndefined();
  });

  it('never refuses another client, nor a client below the limit', () => {
    const { sut } = throttleWithFakeAudit();
    sut.unknownToken(scanner, 'guess-1', request);
    sut.unknownToken(scanner, 'guess-2', request);
    expect(refusal(() => sut.beforeLookup(other, 'opaque'))).toBeUndefined();
    expect(refusal(() => sut.unknownToken(other, 'guess-1', request))).toBeUndefined();
  });

  it('counts the same unknown token once', () => {
    const { sut, events } = throttleWithFakeAudit();
    for (let i = 0; i < 5; i++) sut.unknownToken(scanner, 'client-basic-check', request);
    expect(refusal(() => sut.beforeLookup(scanner, 'opaque'))).toBeUndefined();
    expect(events).toEqual([]);
  });
});
