import { describe, expect, it } from '@jest/globals';
import type { SyncEnvelope, SyncEventKind, SyncEventPayloads } from '#sync';
import { isAlreadyApplied, isIssuedBeforeCutoff, planChange } from './apply-rules.js';

function envelope<K extends SyncEventKind>(kind: K, entityVersion: number, payload: SyncEventPayloads[K], seq = 10): SyncEnvelope<K> {
  return { seq, kind, entityId: 'x', entityVersion, occurredAt: new Date().toISOString(), payload } as SyncEnvelope<K>;
}

const client = (entityVersion: number, active = true) => ({
  clientId: 'c1',
  name: 'App',
  version: '1',
  type: 'confidential' as const,
  active,
  scopes: ['a'],
  entityVersion,
});

describe('planChange', () => {
  it('applies a client upsert when the client is not held yet', () => {
    expect(planChange(envelope('client.upserted', 1, client(1)), {})).toMatchObject({
      kind: 'client.upsert',
      client: { clientId: 'c1', entityVersion: 1 },
      scopes: ['a'],
    });
  });

  it('ignores an upsert older than or as old as what is held (out of order, duplicate)', () => {
    expect(planChange(envelope('client.upserted', 5, client(5, false)), { client: 6 })).toBeNull();
    expect(planChange(envelope('client.upserted', 6, client(6)), { client: 6 })).toBeNull();
  });

  it('applies a newer upsert', () => {
    expect(planChange(envelope('client.upserted', 7, client(7, false)), { client: 6 })).toMatchObject({ client: { active: false, entityVersion: 7 } });
  });

  it('deletes a held client unless the deletion is older than what is held', () => {
    expect(planChange(envelope('client.deleted', 6, { clientId: 'c1', entityVersion: 6 }), { client: 6 })).toEqual({ kind: 'client.delete', clientId: 'c1' });
    expect(planChange(envelope('client.deleted', 5, { clientId: 'c1', entityVersion: 5 }), { client: 6 })).toBeNull();
    expect(planChange(envelope('client.deleted', 5, { clientId: 'c1', entityVersion: 5 }), {})).toBeNull();
  });

  it('versions client scope sets on their own', () => {
    const set = envelope('client.scopes.set', 3, { clientId: 'c1', scopes: ['b'], entityVersion: 3 });
    expect(planChange(set, { client: 9, clientScopes: 2 })).toEqual({ kind: 'client.scopes', clientId: 'c1', scopes: ['b'], scopesVersion: 3 });
    expect(planChange(set, { client: 9, clientScopes: 3 })).toBeNull();
  });

  it('applies scope upserts and deletions by version', () => {
    expect(planChange(envelope('scope.upserted', 2, { name: 's', description: 'd', requiredPermission: null, entityVersion: 2 }), { scope: 1 })).toMatchObject({
      kind: 'scope.upsert',
    });
    expect(planChange(envelope('scope.upserted', 1, { name: 's', description: 'd', requiredPermission: null, entityVersion: 1 }), { scope: 2 })).toBeNull();
    expect(planChange(envelope('scope.deleted', 2, { name: 's', entityVersion: 2 }), { scope: 2 })).toEqual({ kind: 'scope.delete', name: 's' });
  });

  it('always applies revocations, which only add', () => {
    const change = planChange(
      envelope('tokens.revoked', 1, { clientId: 'c1', grantIds: ['g1'], revokedBefore: '2026-01-01T00:00:00.000Z', expiresAt: null }),
      {},
    );
    expect(change).toEqual({ kind: 'tokens.revoke', clientId: 'c1', grantIds: ['g1'], revokedBefore: new Date('2026-01-01T00:00:00.000Z'), expiresAt: null });
  });
});

describe('isAlreadyApplied', () => {
  it('treats a seq at or below the last applied as a redelivery', () => {
    expect(isAlreadyApplied(4, 5)).toBe(true);
    expect(isAlreadyApplied(5, 5)).toBe(true);
    expect(isAlreadyApplied(6, 5)).toBe(false);
  });
});

describe('isIssuedBeforeCutoff', () => {
  const cutoff = new Date('2026-01-01T00:00:10.500Z');
  it('refuses tokens of earlier seconds; the cut-off second is judged by grant id', () => {
    expect(isIssuedBeforeCutoff(Date.parse('2026-01-01T00:00:09Z') / 1000, cutoff)).toBe(true);
    expect(isIssuedBeforeCutoff(Date.parse('2026-01-01T00:00:10Z') / 1000, cutoff)).toBe(false);
    expect(isIssuedBeforeCutoff(Date.parse('2026-01-01T00:00:11Z') / 1000, cutoff)).toBe(false);
  });
  it('passes everything when the client has no cut-off', () => {
    expect(isIssuedBeforeCutoff(1, undefined)).toBe(false);
  });
});
