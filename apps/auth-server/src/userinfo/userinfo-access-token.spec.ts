import { describe, expect, it } from '@jest/globals';
import { MissingBearerToken, type OAuthError } from '#oauth';
import { userinfoAccessToken, type UserinfoRequestParts } from './userinfo-access-token.js';

const FORM = 'application/x-www-form-urlencoded';

function request(parts: Partial<UserinfoRequestParts>): UserinfoRequestParts {
  return { method: 'GET', authorization: undefined, contentType: undefined, query: {}, body: undefined, ...parts };
}

function failure(parts: Partial<UserinfoRequestParts>): OAuthError {
  try {
    userinfoAccessToken(request(parts));
  } catch (error) {
    return error as OAuthError;
  }
  throw new Error('expected a refusal');
}

describe(userinfoAccessToken.name, () => {
  it('takes the bearer header on GET and POST, and access_token from a POST form body', () => {
    expect(userinfoAccessToken(request({ authorization: 'Bearer abc' }))).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(userinfoAccessToken(request({ method: 'POST', authorization: 'Bearer abc' }))).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(userinfoAccessToken(request({ method: 'POST', authorization: 'Bearer abc', contentType: FORM, body: {} }))).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(userinfoAccessToken(request({ method: 'POST', contentType: `${FORM}; charset=utf-8`, body: { access_token: 'abc' } }))).toEqual({ scheme: 'Bearer', token: 'abc' });
    expect(userinfoAccessToken(request({ authorization: 'DPoP abc' }))).toEqual({ scheme: 'DPoP', token: 'abc' });
  });

  it('answers no token at all with the bare challenge', () => {
    expect(failure({})).toBeInstanceOf(MissingBearerToken);
    expect(failure({ method: 'POST', contentType: FORM, body: { access_token: '' } })).toBeInstanceOf(MissingBearerToken);
    // a GET body is not a place for the token
    expect(failure({ contentType: FORM, body: { access_token: 'abc' } })).toBeInstanceOf(MissingBearerToken);
  });

  it.each([
    ['a token in the query', { query: { access_token: 'abc' } }],
    ['a token in the query beside the header', { authorization: 'Bearer abc', query: { access_token: 'abc' } }],
    ['the header and the body', { method: 'POST', authorization: 'Bearer abc', contentType: FORM, body: { access_token: 'abc' } }],
    ['a repeated access_token', { method: 'POST', contentType: FORM, body: { access_token: ['a', 'b'] } }],
    ['a JSON body', { method: 'POST', contentType: 'application/json', body: { access_token: 'abc' } }],
    ['a malformed header', { authorization: 'Bearer a b' }],
  ])('refuses %s with invalid_request and a Bearer challenge', (_, parts) => {
    const error = failure(parts as Partial<UserinfoRequestParts>);
    expect(error.error).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_request"/);
  });
});
