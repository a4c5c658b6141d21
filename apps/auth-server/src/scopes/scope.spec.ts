import { describe, expect, it } from '@jest/globals';
import { isScopeToken } from './scope.js';

describe(isScopeToken.name, () => {
  it('accepts the RFC 6749 scope-token characters, 1 to 128 of them', () => {
    expect(isScopeToken('!#$%&\'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~')).toBe(true);
    expect(isScopeToken('a')).toBe(true);
    expect(isScopeToken('a'.repeat(128))).toBe(true);
  });

  it.each(['', 'a'.repeat(129), 'a b', 'a"b', 'a\\b', 'a\tb', 'a\u0000b', 'é', 'a\u007fb'])('rejects %j', (name) => {
    expect(isScopeToken(name)).toBe(false);
  });
});
