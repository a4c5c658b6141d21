import { describe, expect, it } from '@jest/globals';
import { MissingBearerToken, type OAuthError } from './oauth-error.js';
import { assertNoTokenOutsideHeader, parseBearerAuthorization } from './bearer-header.js';

function failure(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    return error as OAuthError;
  }
  throw new Error('expected a failure');
}

describe('parseBearerAuthorization', () => {
  it('returns the token, whatever the case of the scheme (RS-4)', () => {
    expect(parseBearerAuthorization('Bearer abc.def-ghi_~+/==')).toBe('abc.def-ghi_~+/==');
    expect(parseBearerAuthorization('bearer abc')).toBe('abc');
    expect(parseBearerAuthorization('BEARER abc')).toBe('abc');
  });

  it('answers a bare challenge when there is no bearer credential at all (RS-1)', () => {
    const error = failure(() => parseBearerAuthorization(undefined));
    expect(error).toBeInstanceOf(MissingBearerToken);
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toBe('Bearer');
    expect(failure(() => parseBearerAuthorization('Basic dXNlcjpwYXNz'))).toBeInstanceOf(MissingBearerToken);
  });

  it.each([['Bearer'], ['Bearer '], ['Bearer a b'], ['Bearer a,b'], ['Bearer ä'], [''], ['Bearer "abc"']])(
    'refuses %j with 400 invalid_request (RS-3)',
    (header) => {
      const error = failure(() => parseBearerAuthorization(header));
      expect(error.status).toBe(400);
      expect(error.error).toBe('invalid_request');
    },
  );

  it('gives the one-pass case and the general parse the same answers', () => {
    expect(parseBearerAuthorization('Bearer abc==')).toBe('abc==');
    expect(parseBearerAuthorization('Bearer  abc ')).toBe('abc');
    expect(failure(() => parseBearerAuthorization('Bearer a=b')).error).toBe('invalid_request');
    expect(failure(() => parseBearerAuthorization('Bearer abc def')).error).toBe('invalid_request');
  });

  it('refuses two Authorization headers', () => {
    expect(failure(() => parseBearerAuthorization(['Bearer a', 'Bearer b'])).status).toBe(400);
  });
});

describe('assertNoTokenOutsideHeader', () => {
  it('refuses access_token in the query or the body (RS-2)', () => {
    expect(failure(() => assertNoTokenOutsideHeader({ access_token: 'x' }, undefined)).status).toBe(400);
    expect(failure(() => assertNoTokenOutsideHeader({}, { access_token: 'x' })).status).toBe(400);
    expect(() => assertNoTokenOutsideHeader({ q: '1' }, { title: 'x' })).not.toThrow();
  });
});
