import { describe, expect, it } from '@jest/globals';
import { InvalidScope } from '#oauth';
import { resolveScopes } from './resolve-scopes.js';

describe(resolveScopes.name, () => {
  it('grants every associated scope when none is requested', () => {
    expect(resolveScopes(undefined, ['a', 'b'])).toEqual(['a', 'b']);
    expect(resolveScopes('', ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('grants a subset as requested, without duplicates', () => {
    expect(resolveScopes('b a b', ['a', 'b', 'c'])).toEqual(['b', 'a']);
  });

  it('refuses a scope that is not associated, rather than narrowing', () => {
    expect(() => resolveScopes('a z', ['a'])).toThrow(InvalidScope);
  });

  it.each(['a  b', ' a', 'a ', 'a\tb', 'a"b', 'a\\b', 'é'])('refuses %j, outside the RFC 6749 §3.3 grammar', (scope) => {
    expect(() => resolveScopes(scope, ['a', 'b'])).toThrow(InvalidScope);
  });
});
