import { describe, expect, it } from '@jest/globals';
import { InvalidToken } from '#oauth';
import { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal } from './access-token.js';
import { admitLocallyEnabled, admitToken, missingScopes } from './token-admission.js';

function registry(): RegistryProjection {
  const sut = new RegistryProjection();
  sut.replaceAll({
    clients: [
      {
        clientId: 'app',
        name: 'App',
        version: '1',
        type: 'confidential',
        active: true,
        enabled: true,
        entityVersion: 1,
        scopesVersion: 0,
        scopes: new Set(['a', 'b']),
      },
    ],
    scopes: [
      { name: 'a', description: '', entityVersion: 1 },
      { name: 'c', description: '', entityVersion: 1 },
    ],
    revokedGrants: [{ grantId: 'revoked', clientId: 'app', expiresAt: null }],
    clientRevocations: [],
    state: { lastAppliedSeq: 0, snapshotLoadedAt: new Date(), updatedAt: new Date() },
  });
  return sut;
}

const principal = (overrides: Partial<AccessTokenPrincipal> = {}): AccessTokenPrincipal => ({
  audiences: ['https://rs.example'],
  sub: 's',
  clientId: 'app',
  scopes: ['a', 'b', 'c'],
  grantId: 'g',
  issuedAt: 100,
  ...overrides,
});

describe(admitToken.name, () => {
  it('keeps only scopes that still exist and are still granted to the client', () => {
    const access = admitToken(principal(), registry());
    expect(access.effectiveScopes).toEqual(['a']);
    expect(missingScopes(access, ['a'])).toEqual([]);
    expect(missingScopes(access, ['b'])).toEqual(['b']);
  });

  it('refuses an unknown, deactivated or locally disabled client', () => {
    const sut = registry();
    expect(() => admitToken(principal({ clientId: 'other' }), sut)).toThrow(InvalidToken);
    sut.applyChange({
      kind: 'client.upsert',
      client: { clientId: 'app', name: 'App', version: '1', type: 'confidential', active: false, entityVersion: 2 },
      scopes: ['a'],
    });
    expect(() => admitToken(principal(), sut)).toThrow('deactivated');
    sut.applyChange({
      kind: 'client.upsert',
      client: { clientId: 'app', name: 'App', version: '1', type: 'confidential', active: true, entityVersion: 3 },
      scopes: ['a'],
    });
    sut.setEnabled('app', false);
    expect(() => admitToken(principal(), sut)).toThrow('disabled');
  });

  it('keeps the local enabled flag when an upsert arrives', () => {
    const sut = registry();
    sut.setEnabled('app', false);
    sut.applyChange({
      kind: 'client.upsert',
      client: { clientId: 'app', name: 'Renamed', version: '2', type: 'confidential', active: true, entityVersion: 2 },
      scopes: [],
    });
    expect(sut.client('app')).toMatchObject({ name: 'Renamed', enabled: false });
  });

  it('refuses a revoked grant and tokens issued before the client cut-off', () => {
    const sut = registry();
    expect(() => admitToken(principal({ grantId: 'revoked' }), sut)).toThrow('revoked');
    sut.applyChange({ kind: 'tokens.revoke', clientId: 'app', grantIds: [], revokedBefore: new Date(150_000), expiresAt: null });
    expect(() => admitToken(principal({ issuedAt: 149 }), sut)).toThrow('revoked');
    expect(admitToken(principal({ issuedAt: 150 }), sut).clientId).toBe('app');
  });

  it('forgets revoked grants once they expired anyway', () => {
    const sut = registry();
    sut.applyChange({ kind: 'tokens.revoke', clientId: 'app', grantIds: ['old'], revokedBefore: null, expiresAt: new Date(1000) });
    expect(sut.isGrantRevoked('old')).toBe(true);
    sut.purgeExpiredGrants(new Date(2000));
    expect(sut.isGrantRevoked('old')).toBe(false);
    expect(sut.isGrantRevoked('revoked')).toBe(true);
  });
});

describe(admitLocallyEnabled.name, () => {
  it('admits a client no event describes with the scopes its token carries', () => {
    expect(admitLocallyEnabled(principal({ clientId: 'elsewhere' }), registry()).effectiveScopes).toEqual(['a', 'b', 'c']);
  });

  it('refuses a client disabled at this resource server', () => {
    const sut = registry();
    sut.setEnabled('app', false);
    expect(() => admitLocallyEnabled(principal(), sut)).toThrow('disabled');
  });
});
