import { describe, expect, it } from '@jest/globals';
import { InvalidToken } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal } from './access-token.js';
import { AdmissionMemo } from './admission-memo.js';

function registry(): RegistryProjection {
  const sut = new RegistryProjection();
  sut.replaceAll({
    clients: [{ clientId: 'app', name: 'App', version: '1', type: 'confidential', active: true, enabled: true, entityVersion: 1, scopesVersion: 0, scopes: new Set(['a']) }],
    scopes: [{ name: 'a', description: '', entityVersion: 1 }],
    revokedGrants: [],
    clientRevocations: [],
    state: { lastAppliedSeq: 0, snapshotLoadedAt: new Date(), updatedAt: new Date() },
  });
  return sut;
}

const principal = (): AccessTokenPrincipal => ({ audiences: ['https://rs.example'], sub: 's', clientId: 'app', scopes: ['a', 'b'], grantId: 'g', issuedAt: 100 });

describe(AdmissionMemo.name, () => {
  it('keeps an admission while the projection is unchanged, frozen since requests share it', () => {
    const projection = registry();
    const sut = new AdmissionMemo(projection);
    const token = principal();
    const access = sut.admit(token);
    expect(access.effectiveScopes).toEqual(['a']);
    expect(sut.admit(token)).toBe(access);
    expect(Object.isFrozen(access)).toBe(true);
    expect(Object.isFrozen(access.effectiveScopes)).toBe(true);
    // The sync bookkeeping alone changes nothing admission reads.
    projection.setLastAppliedSeq(5);
    expect(sut.admit(token)).toBe(access);
  });

  it('admits again after any change: a revocation, a disable or a scope change applies at once', () => {
    const projection = registry();
    const sut = new AdmissionMemo(projection);
    const token = principal();
    sut.admit(token);
    projection.applyChange({ kind: 'tokens.revoke', clientId: 'app', grantIds: ['g'], revokedBefore: null, expiresAt: null });
    expect(() => sut.admit(token)).toThrow(InvalidToken);
    // A refusal is not kept either.
    expect(() => sut.admit(token)).toThrow('revoked');

    const other = { ...principal(), grantId: 'h' };
    expect(sut.admit(other).clientId).toBe('app');
    projection.setEnabled('app', false);
    expect(() => sut.admit(other)).toThrow('disabled');
    projection.setEnabled('app', true);
    projection.applyChange({ kind: 'scope.delete', name: 'a' });
    expect(sut.admit(other).effectiveScopes).toEqual([]);
  });

  it('admits again once the purge of expired revocations changed the projection', () => {
    const projection = registry();
    const sut = new AdmissionMemo(projection);
    const token = principal();
    const access = sut.admit(token);
    projection.purgeExpiredGrants(new Date());
    expect(sut.admit(token)).toBe(access);
    projection.applyChange({ kind: 'tokens.revoke', clientId: 'app', grantIds: ['old'], revokedBefore: null, expiresAt: new Date(1000) });
    const afterRevoke = sut.admit(token);
    expect(afterRevoke).not.toBe(access);
    projection.purgeExpiredGrants(new Date(2000));
    expect(sut.admit(token)).not.toBe(afterRevoke);
  });
});
