import { describe, expect, it } from '@jest/globals';
import { parseEnvelope } from './envelope-schema.js';
import { RejectedEvent } from './rejected-event.js';

const base = { seq: 5, prevSeq: 4, entityId: 'c1', entityVersion: 2, occurredAt: '2026-01-01T00:00:00.000Z' };
const client = { clientId: 'c1', name: 'C', version: '1', type: 'confidential', active: true, scopes: ['a'], entityVersion: 2 };

function reason(value: unknown): string | undefined {
  try {
    parseEnvelope(value);
    return undefined;
  } catch (error) {
    return error instanceof RejectedEvent ? error.reason : 'other';
  }
}

describe(parseEnvelope.name, () => {
  it('accepts every kind the auth server writes', () => {
    for (const [kind, payload] of [
      ['client.upserted', client],
      ['client.deleted', { clientId: 'c1', entityVersion: 3 }],
      ['scope.upserted', { name: 's', description: '', entityVersion: 1 }],
      ['scope.upserted', { name: 's', description: '', entityVersion: 1, requiredPermission: null }],
      ['scope.upserted', { name: 's', description: '', entityVersion: 1, requiredPermission: 'admin' }],
      ['scope.deleted', { name: 's', entityVersion: 1 }],
      ['client.scopes.set', { clientId: 'c1', scopes: [], entityVersion: 2 }],
      ['tokens.revoked', { clientId: 'c1', grantIds: ['g'], expiresAt: null }],
      ['tokens.revoked', { clientId: 'c1', revokedBefore: '2026-01-01T00:00:00.000Z', grantIds: [], expiresAt: '2026-01-02T00:00:00.000Z' }],
    ] as const) {
      expect(reason({ ...base, kind, payload })).toBeUndefined();
    }
  });

  it.each([
    ['not an object', 'x'],
    ['an unknown kind', { ...base, kind: 'client.hacked', payload: client }],
    ['seq 0', { ...base, seq: 0, prevSeq: undefined, kind: 'client.upserted', payload: client }],
    ['a seq beyond 2^53', { ...base, seq: 2 ** 60, kind: 'client.upserted', payload: client }],
    ['prevSeq not below seq', { ...base, prevSeq: 5, kind: 'client.upserted', payload: client }],
    ['a string seq', { ...base, seq: '5', kind: 'client.upserted', payload: client }],
    ['active as a string', { ...base, kind: 'client.upserted', payload: { ...client, active: 'true' } }],
    ['scopes not a list', { ...base, kind: 'client.upserted', payload: { ...client, scopes: 'a b' } }],
    ['no payload', { ...base, kind: 'client.deleted' }],
    ['a bad instant', { ...base, kind: 'tokens.revoked', payload: { clientId: 'c1', revokedBefore: 'yesterday' } }],
    ['a numeric requiredPermission', { ...base, kind: 'scope.upserted', payload: { name: 's', description: '', entityVersion: 1, requiredPermission: 3 } }],
    ['a proto kind', { ...base, kind: '__proto__', payload: {} }],
  ])('refuses %s as schema', (_what, value) => {
    expect(reason(value)).toBe('schema');
  });
});
