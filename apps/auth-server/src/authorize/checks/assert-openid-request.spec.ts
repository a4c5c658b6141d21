import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '#oauth';
import { assertOpenIdRequest, MAX_NONCE_LENGTH } from './assert-openid-request.js';
import { assertResponseType } from './assert-response-type.js';

describe(assertOpenIdRequest.name, () => {
  it('keeps the nonce optional in the code flow, with or without openid', () => {
    expect(assertOpenIdRequest('code', ['openid'], undefined)).toBeNull();
    expect(assertOpenIdRequest('code', ['openid'], 'n')).toBe('n');
    expect(assertOpenIdRequest('token', ['read'], undefined)).toBeNull();
  });

  it('requires openid and a nonce for the id_token response types (OIDC Core §3.2.2.1)', () => {
    expect(assertOpenIdRequest('id_token', ['openid'], 'n')).toBe('n');
    expect(() => assertOpenIdRequest('id_token', ['openid'], undefined)).toThrow(new InvalidRequest('nonce is required for response_type id_token'));
    expect(() => assertOpenIdRequest('id_token token', ['openid'], '')).toThrow(new InvalidRequest('nonce is required for response_type id_token token'));
    expect(() => assertOpenIdRequest('id_token', ['read'], 'n')).toThrow(new InvalidRequest('response_type id_token requires the openid scope'));
  });

  it('refuses a nonce too long to echo', () => {
    expect(() => assertOpenIdRequest('code', ['openid'], 'n'.repeat(MAX_NONCE_LENGTH + 1))).toThrow(InvalidRequest);
  });
});

describe(assertResponseType.name, () => {
  it('reads a combination in any order, and nothing else', () => {
    expect(assertResponseType('token id_token')).toBe('id_token token');
    expect(assertResponseType('id_token')).toBe('id_token');
    for (const unsupported of ['code token', 'code id_token', 'id_token id_token', 'id_token  token', 'ID_TOKEN']) {
      expect(() => assertResponseType(unsupported)).toThrow('response_type must be code, token, id_token or id_token token');
    }
  });
});
