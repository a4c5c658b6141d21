import { describe, expect, it } from '@jest/globals';
import { InvalidScope } from '#oauth';
import { resolveRequestedScopes } from './scope-request.js';

describe(resolveRequestedScopes.name, () => {
  const allowed = ['read', 'write', 'admin'];

  it('grants every allowed scope when none is requested', () => {
    expect(resolveRequestedScopes(undefined, allowed)).toEqual(allowed);
  });

  it('grants a subset, once each', () => {
    expect(resolveRequestedScopes('read read write', allowed)).toEqual(['read', 'write']);
  });

  it('refuses a scope outside the allow-list', () => {
    expect(() => resolveRequestedScopes('read delete', allowed)).toThrow(InvalidScope);
  });

  it.each(['read  write', ' read', 'read\twrite', 'a"b', 'a\\b'])('refuses the malformed scope %j', (scope) => {
    expect(() => resolveRequestedScopes(scope, allowed)).toThrow(InvalidScope);
  });
});
