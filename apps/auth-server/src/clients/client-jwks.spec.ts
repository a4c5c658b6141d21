import { describe, expect, it } from '@jest/globals';
import { clientJwksProblem, jwksUriProblem } from './client-jwks.js';

const EC = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'a' };

describe('clientJwksProblem', () => {
  it('accepts a set of public keys', () => {
    expect(clientJwksProblem({ keys: [EC, { ...EC, kid: 'b' }] })).toBeNull();
  });

  it.each([
    ['not an object', [EC], /JSON Web Key Set/],
    ['no keys', { keys: [] }, /non-empty/],
    ['a private EC key', { keys: [{ ...EC, d: 'x' }] }, /public keys only/],
    ['a private RSA key', { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', p: 'x', q: 'y' }] }, /public keys only/],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /kty/],
    ['two keys with one kid', { keys: [EC, EC] }, /unique/],
    ['eleven keys', { keys: Array.from({ length: 11 }, (_, index) => ({ ...EC, kid: String(index) })) }, /at most 10/],
  ])('refuses %s', (_name, jwks, problem) => {
    expect(clientJwksProblem(jwks)).toMatch(problem);
  });
});

describe('jwksUriProblem', () => {
  it.each(['https://keys.example/jwks', 'http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]/jwks'])('accepts %s', (uri) => {
    expect(jwksUriProblem(uri)).toBeNull();
  });

  it.each(['http://keys.example/jwks', 'ftp://keys.example/jwks', 'https://user:pw@keys.example/jwks', 'https://keys.example/jwks#k', 'not a url'])('refuses %s', (uri) => {
    expect(jwksUriProblem(uri)).not.toBeNull();
  });
});
