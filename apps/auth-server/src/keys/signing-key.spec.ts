import { describe, expect, it } from '@jest/globals';
import { currentSigningKey, isPublished, nextStatusChange, publicMembers, statusOf, type SigningKeyRecord } from './signing-key.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

function key(kid: string, fields: Partial<SigningKeyRecord>): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
    privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret' },
    createdAt: at(0),
    activatedAt: at(0),
    retiredAt: null,
    expiresAt: null,
    ...fields,
  };
}

describe('signing key lifecycle', () => {
  const old = key('old', { activatedAt: at(0), retiredAt: at(10), expiresAt: at(20) });
  const next = key('new', { activatedAt: at(10) });

  it('publishes the new key before it signs, then switches at activation', () => {
    expect(statusOf(next, at(5))).toBe('pending');
    expect(isPublished(next, at(5))).toBe(true);
    expect(currentSigningKey([old, next], at(5), 'ES256')?.kid).toBe('old');
    expect(currentSigningKey([old, next], at(10), 'ES256')?.kid).toBe('new');
  });

  it('keeps one key line per algorithm: an RS256 key never signs for ES256, nor its rotation retire the other', () => {
    const rsa = key('rsa', { alg: 'RS256', activatedAt: at(12) });
    expect(currentSigningKey([old, next, rsa], at(15), 'ES256')?.kid).toBe('new');
    expect(currentSigningKey([old, next, rsa], at(15), 'RS256')?.kid).toBe('rsa');
    expect(currentSigningKey([old, next], at(15), 'RS256')).toBeUndefined();
  });

  it('keeps the retired key published until it expires', () => {
    expect(statusOf(old, at(15))).toBe('retired');
    expect(isPublished(old, at(15))).toBe(true);
    expect(isPublished(old, at(20))).toBe(false);
  });

  it('never publishes private members', () => {
    expect(publicMembers(old)).toEqual({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'old', alg: 'ES256', use: 'sig' });
    const rsa = key('rsa', {
      alg: 'RS256',
      publicJwk: { kty: 'RSA', n: 'modulus', e: 'AQAB' },
      privateJwk: { kty: 'RSA', n: 'modulus', e: 'AQAB', d: 'secret', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' },
    });
    expect(publicMembers(rsa)).toEqual({ kty: 'RSA', n: 'modulus', e: 'AQAB', kid: 'rsa', alg: 'RS256', use: 'sig' });
  });

  it('names the next instant a key changes status, after the one asked about', () => {
    expect(nextStatusChange([old, next], at(5).getTime())).toBe(at(10).getTime());
    expect(nextStatusChange([old, next], at(10).getTime())).toBe(at(20).getTime());
    expect(nextStatusChange([old, next], at(20).getTime())).toBe(Number.POSITIVE_INFINITY);
  });
});
