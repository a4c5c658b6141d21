import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactForAudit } from './redact.js';

describe('redactForAudit', () => {
  it('hides secrets, passwords, hashes, tokens and verifiers at any depth, keeps settings', () => {
    const input = {
      clientId: 'abc',
      clientSecret: 's3cret',
      accessTokenLifetime: { mode: 'global' },
      nested: [{ password: 'p', password_hash: 'h', refresh_token: 'r', code_verifier: 'v', secretHash: 'x', name: 'n' }],
    };
    expect(redactForAudit(input)).toEqual({
      clientId: 'abc',
      clientSecret: REDACTED,
      accessTokenLifetime: { mode: 'global' },
      nested: [{ password: REDACTED, password_hash: REDACTED, refresh_token: REDACTED, code_verifier: REDACTED, secretHash: REDACTED, name: 'n' }],
    });
  });

  it('passes scalars through and leaves the input untouched', () => {
    const input = { token: 't' };
    expect(redactForAudit('x')).toBe('x');
    expect(redactForAudit(null)).toBeNull();
    redactForAudit(input);
    expect(input.token).toBe('t');
  });
});
