import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '#oauth';
import { resolveInteraction } from './resolve-interaction.js';

describe(resolveInteraction.name, () => {
  it('reads nothing from a plain OAuth request', () => {
    expect(resolveInteraction({})).toEqual({ prompt: [], maxAge: null, loginHint: null, idTokenHint: null });
  });

  it('reads prompt values, max_age, login_hint and id_token_hint', () => {
    expect(resolveInteraction({ prompt: 'login consent', max_age: '0', login_hint: 'alice', id_token_hint: 'a.b.c' })).toEqual({
      prompt: ['login', 'consent'],
      maxAge: 0,
      loginHint: 'alice',
      idTokenHint: 'a.b.c',
    });
    expect(resolveInteraction({ prompt: 'none', max_age: '3600' })).toMatchObject({ prompt: ['none'], maxAge: 3600 });
  });

  it.each(['none login', 'consent none', 'select_account', 'login  consent', 'LOGIN', ' none'])('refuses prompt=%j', (prompt) => {
    expect(() => resolveInteraction({ prompt })).toThrow(InvalidRequest);
  });

  it.each(['-1', '1.5', 'abc', '', ' 1', '1e3', '0x10', '99999999999', '2147483648'])('refuses max_age=%j', (maxAge) => {
    expect(() => resolveInteraction({ max_age: maxAge })).toThrow(InvalidRequest);
  });

  it('ignores a login_hint too long to be a user name', () => {
    expect(resolveInteraction({ login_hint: 'x'.repeat(256) }).loginHint).toBeNull();
  });
});
