import { describe, expect, it } from '@jest/globals';
import { claimsForScopes, USERINFO_CLAIMS } from './scope-claims.js';

const PROFILE = { name: 'Jane', locale: 'en', email: 'jane@example.com', email_verified: false, address: { country: 'FR' }, updated_at: 5 };

describe(claimsForScopes.name, () => {
  it('answers the claims of each granted standard scope that have a value, false included', () => {
    expect(claimsForScopes(PROFILE, ['openid', 'email'])).toEqual({ email: 'jane@example.com', email_verified: false });
    expect(claimsForScopes(PROFILE, ['profile'])).toEqual({ name: 'Jane', locale: 'en', updated_at: 5 });
    expect(claimsForScopes(PROFILE, ['address', 'phone'])).toEqual({ address: { country: 'FR' } });
  });

  it('ignores other scopes, names of Object.prototype included', () => {
    expect(claimsForScopes(PROFILE, ['openid', 'read', 'constructor', '__proto__', 'toString'])).toEqual({});
  });

  it('lists every claim once for the discovery document', () => {
    expect(USERINFO_CLAIMS).toHaveLength(new Set(USERINFO_CLAIMS).size);
    expect(USERINFO_CLAIMS).toEqual(expect.arrayContaining(['name', 'updated_at', 'email_verified', 'phone_number', 'address']));
    expect(USERINFO_CLAIMS).not.toContain('sub');
  });
});
