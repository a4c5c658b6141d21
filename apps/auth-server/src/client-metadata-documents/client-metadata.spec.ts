import { describe, expect, it } from '@jest/globals';
import { checkClientMetadata } from './client-metadata.js';

const URL_ID = 'https://agent.example/client.json';
const GOOD = { client_id: URL_ID, client_name: 'Agent', redirect_uris: ['https://agent.example/cb'] };
const check = (document: unknown) => checkClientMetadata(JSON.stringify(document), URL_ID);

describe('checkClientMetadata (a fetched metadata document)', () => {
  it('accepts a public code-flow client, refresh tokens when it lists refresh_token', () => {
    expect(check(GOOD)).toEqual({ metadata: { name: 'Agent', redirectUris: ['https://agent.example/cb'], scopes: null, refresh: false } });
    expect(check({ ...GOOD, grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', scope: 'read  write', response_types: ['code'] })).toEqual({
      metadata: { name: 'Agent', redirectUris: ['https://agent.example/cb'], scopes: ['read', 'write'], refresh: true },
    });
    expect(check({ client_id: URL_ID, redirect_uris: ['http://127.0.0.1:3000/cb'] })).toMatchObject({ metadata: { name: 'agent.example' } });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['another client_id', JSON.stringify({ ...GOOD, client_id: 'https://agent.example/other.json' }), /another client_id/],
    ['no client_id', JSON.stringify({ ...GOOD, client_id: undefined }), /another client_id/],
    ['a client_secret', JSON.stringify({ ...GOOD, client_secret: 'x' }), /client_secret/],
    ['a secret auth method', JSON.stringify({ ...GOOD, token_endpoint_auth_method: 'client_secret_basic' }), /token_endpoint_auth_method/],
    ['private_key_jwt', JSON.stringify({ ...GOOD, token_endpoint_auth_method: 'private_key_jwt' }), /token_endpoint_auth_method/],
    ['client_credentials', JSON.stringify({ ...GOOD, grant_types: ['client_credentials'] }), /grant_types/],
    ['implicit', JSON.stringify({ ...GOOD, grant_types: ['authorization_code', 'implicit'] }), /grant_types/],
    ['a token response type', JSON.stringify({ ...GOOD, response_types: ['token'] }), /response_types/],
    ['no redirect_uris', JSON.stringify({ ...GOOD, redirect_uris: undefined }), /redirect_uris/],
    ['empty redirect_uris', JSON.stringify({ ...GOOD, redirect_uris: [] }), /redirect_uris/],
    ['a redirect_uri that is no string', JSON.stringify({ ...GOOD, redirect_uris: [1] }), /redirect_uris/],
    ['a javascript: redirect URI', JSON.stringify({ ...GOOD, redirect_uris: ['javascript:alert(1)'] }), /scheme javascript: is not allowed/],
    ['a redirect URI with a fragment', JSON.stringify({ ...GOOD, redirect_uris: ['https://agent.example/cb#x'] }), /fragment/],
    ['http off loopback', JSON.stringify({ ...GOOD, redirect_uris: ['http://agent.example/cb'] }), /loopback/],
    ['a client_name that is no string', JSON.stringify({ ...GOOD, client_name: 5 }), /client_name/],
    ['a client_name with control characters', JSON.stringify({ ...GOOD, client_name: 'a\nb' }), /client_name/],
    ['a scope that is no string', JSON.stringify({ ...GOOD, scope: ['read'] }), /scope/],
  ])('refuses %s', (_, body, reason) => {
    const result = checkClientMetadata(body, URL_ID);
    expect('refused' in result && result.refused).toMatch(reason);
  });
});
