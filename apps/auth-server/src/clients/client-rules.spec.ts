import { describe, expect, it } from '@jest/globals';
import { clientShapeErrors } from './client-rules.js';

describe(clientShapeErrors.name, () => {
  it('accepts a consistent client', () => {
    expect(clientShapeErrors({ type: 'confidential', grants: ['authorization_code', 'password'], redirectUris: ['https://a.example/cb'] })).toEqual([]);
    expect(clientShapeErrors({ type: 'confidential', grants: ['client_credentials'], redirectUris: [] })).toEqual([]);
  });

  it('names each grant that the type does not allow', () => {
    expect(clientShapeErrors({ type: 'public', grants: ['client_credentials', 'password', 'implicit'], redirectUris: ['https://a.example/cb'] })).toEqual([
      { field: 'grants', message: 'the grant client_credentials is not allowed for a public client' },
      { field: 'grants', message: 'the grant password is not allowed for a public client' },
    ]);
  });

  it('requires a redirect URI for redirecting grants and names the bad one by index', () => {
    expect(clientShapeErrors({ type: 'public', grants: ['implicit'], redirectUris: [] })).toEqual([
      { field: 'redirectUris', message: 'at least one redirect URI is required for the authorization_code and implicit grants' },
    ]);
    expect(clientShapeErrors({ type: 'confidential', grants: ['authorization_code'], redirectUris: ['https://a.example/cb', 'http://b.example/cb'] })).toEqual([
      { field: 'redirectUris[1]', message: 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])' },
    ]);
  });

  it('checks post-logout redirect URIs by the redirect URI rules, by index', () => {
    const shape = { type: 'confidential', grants: ['authorization_code'], redirectUris: ['https://a.example/cb'] } as const;
    expect(clientShapeErrors({ ...shape, grants: [...shape.grants], redirectUris: [...shape.redirectUris], postLogoutRedirectUris: ['https://a.example/bye'] })).toEqual([]);
    expect(
      clientShapeErrors({ ...shape, grants: [...shape.grants], redirectUris: [...shape.redirectUris], postLogoutRedirectUris: ['https://a.example/bye', 'https://a.example/bye#x', 'javascript:alert(1)'] }),
    ).toEqual([
      { field: 'postLogoutRedirectUris[1]', message: 'must not contain a fragment' },
      { field: 'postLogoutRedirectUris[2]', message: 'the scheme javascript: is not allowed' },
    ]);
  });

  it('allows token exchange to confidential clients only, and checks its audiences as resource identifiers', () => {
    const exchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
    expect(clientShapeErrors({ type: 'confidential', grants: [exchange], redirectUris: [], tokenExchangeAudiences: ['https://api.example.com'] })).toEqual([]);
    expect(clientShapeErrors({ type: 'public', grants: ['authorization_code', exchange], redirectUris: ['https://a.example/cb'] })).toEqual([
      { field: 'grants', message: `the grant ${exchange} is not allowed for a public client` },
    ]);
    expect(clientShapeErrors({ type: 'confidential', grants: [exchange], redirectUris: [], tokenExchangeAudiences: ['https://api.example.com', 'relative', 'https://x.example/#f'] })).toEqual([
      { field: 'tokenExchangeAudiences[1]', message: 'each audience must be a resource identifier: an absolute URI without a fragment (RFC 8707)' },
      { field: 'tokenExchangeAudiences[2]', message: 'each audience must be a resource identifier: an absolute URI without a fragment (RFC 8707)' },
    ]);
  });
});
