import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '#oauth';
import type { Client } from '../../clients/client.js';
import { resolveCodeChallenge } from './resolve-code-challenge.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const publicClient = { type: 'public' } as Client;
const confidentialClient = { type: 'confidential' } as Client;

describe(resolveCodeChallenge.name, () => {
  it('returns an S256 challenge', () => {
    expect(resolveCodeChallenge(CHALLENGE, 'S256', publicClient)).toBe(CHALLENGE);
  });

  it('lets a confidential client go without PKCE, but not a public one', () => {
    expect(resolveCodeChallenge(undefined, undefined, confidentialClient)).toBeNull();
    expect(() => resolveCodeChallenge(undefined, undefined, publicClient)).toThrow(InvalidRequest);
  });

  it.each([
    [CHALLENGE, 'plain'],
    [CHALLENGE, 'S512'],
    [CHALLENGE, undefined],
    [undefined, 'S256'],
    ['a'.repeat(42), 'S256'],
    ['a'.repeat(129), 'S256'],
    [`${'a'.repeat(42)}/`, 'S256'],
  ])('refuses challenge %j with method %j', (challenge, method) => {
    expect(() => resolveCodeChallenge(challenge, method, confidentialClient)).toThrow(InvalidRequest);
  });
});
