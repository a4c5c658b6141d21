import { describe, expect, it } from '@jest/globals';
import { formatScope, isScopeName, isScopeToken, parseScope } from './scope.js';

const EVERY_TOKEN_CHARACTER = "!#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~";
const OUTSIDE_THE_GRAMMAR = ['', 'a b', 'a"b', 'a\\b', '"', '\\', ' ', 'a\tb', 'a\nb', 'a\u0000b', 'é', 'a\u007fb'];

describe(isScopeToken.name, () => {
  it('accepts the RFC 6749 §3.3 scope-token characters, any number of them', () => {
    expect(isScopeToken(EVERY_TOKEN_CHARACTER)).toBe(true);
    expect(isScopeToken('a')).toBe(true);
    expect(isScopeToken('a'.repeat(129))).toBe(true);
  });

  it.each(OUTSIDE_THE_GRAMMAR)('rejects %j', (token) => {
    expect(isScopeToken(token)).toBe(false);
  });
});

describe(isScopeName.name, () => {
  it('accepts a scope-token of 1 to 128 characters', () => {
    expect(isScopeName(EVERY_TOKEN_CHARACTER)).toBe(true);
    expect(isScopeName('a')).toBe(true);
    expect(isScopeName('a'.repeat(128))).toBe(true);
  });

  it.each([...OUTSIDE_THE_GRAMMAR, 'a'.repeat(129)])('rejects %j', (name) => {
    expect(isScopeName(name)).toBe(false);
  });
});

describe(parseScope.name, () => {
  it('splits on single spaces, collapsing duplicates in the order first given', () => {
    expect(parseScope('read')).toEqual(['read']);
    expect(parseScope('write read write')).toEqual(['write', 'read']);
    expect(parseScope(EVERY_TOKEN_CHARACTER)).toEqual([EVERY_TOKEN_CHARACTER]);
  });

  it('leaves the length to the caller (a 129-character token is well-formed, just never a scope name)', () => {
    expect(parseScope(`a ${'b'.repeat(129)}`)).toEqual(['a', 'b'.repeat(129)]);
  });

  it.each(['', ' ', 'a  b', ' a', 'a ', 'a\tb', 'a"b', 'a \\', '"', '\\', 'é', 'a\u0000'])('refuses %j', (scope) => {
    expect(parseScope(scope)).toBeNull();
  });

  it('round-trips through formatScope', () => {
    expect(formatScope(['a', 'b:c'])).toBe('a b:c');
    expect(parseScope(formatScope(['a', 'b:c']))).toEqual(['a', 'b:c']);
  });
});
