import { describe, expect, it } from '@jest/globals';
import { InvalidScope } from '#oauth';
import { scopesForUser, stillAssociated } from './privileged-scopes.js';

const ASSOCIATED = [
  { name: 'read', requiredPermission: null },
  { name: 'admin', requiredPermission: 'access_control' },
];

describe(scopesForUser.name, () => {
  it('keeps every scope for a user with the permission', () => {
    expect(scopesForUser(['read', 'admin'], ASSOCIATED, ['access_control'], 'refuse')).toEqual(['read', 'admin']);
  });

  it('drops a privileged scope silently when told to', () => {
    expect(scopesForUser(['read', 'admin'], ASSOCIATED, [], 'drop')).toEqual(['read']);
  });

  it('refuses a privileged scope with invalid_scope when told to', () => {
    expect(() => scopesForUser(['read', 'admin'], ASSOCIATED, [], 'refuse')).toThrow(InvalidScope);
    expect(scopesForUser(['read'], ASSOCIATED, [], 'refuse')).toEqual(['read']);
  });

  it('lets scopes it does not know through (association is checked elsewhere)', () => {
    expect(scopesForUser(['other'], ASSOCIATED, [], 'refuse')).toEqual(['other']);
  });
});

describe(stillAssociated.name, () => {
  it('keeps the associated scopes in their order', () => {
    expect(stillAssociated(['admin', 'gone', 'read'], ASSOCIATED)).toEqual(['admin', 'read']);
  });
});
