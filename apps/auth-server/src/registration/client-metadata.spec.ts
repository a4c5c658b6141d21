import { describe, expect, it } from '@jest/globals';
import { InvalidClientMetadata, InvalidRedirectUri } from '#oauth';
import { DEFAULT_REGISTRATION_POLICY, type RegistrationPolicy } from '../settings/settings.js';
import { readClientMetadata } from './client-metadata.js';
import { freeVersion, registryNameOf, UNNAMED_CLIENT } from './client-name.js';

const policy: RegistrationPolicy = { ...DEFAULT_REGISTRATION_POLICY, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'] };
const REDIRECT = 'https://app.example.com/cb';

describe('readClientMetadata', () => {
  it('applies the RFC 7591 defaults: client_secret_basic, authorization_code, code', () => {
    expect(readClientMetadata({ redirect_uris: [REDIRECT] }, policy)).toEqual({
      type: 'confidential',
      grants: ['authorization_code'],
      refresh: false,
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [],
      idTokenSignedResponseAlg: undefined,
      scopes: [],
      authentication: { tokenEndpointAuthMethod: 'client_secret_basic', jwks: null, jwksUri: null },
      requirePushedAuthorizationRequests: false,
      metadata: { token_endpoint_auth_method: 'client_secret_basic' },
    });
  });

  it('maps private_key_jwt with its keys (jwks or jwks_uri) to the client fields, and refuses it without keys or with a private key', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    const withJwks = readClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }, policy);
    expect(withJwks.authentication).toEqual({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, jwksUri: null });
    const withUri = readClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/jwks' }, policy);
    expect(withUri.authentication).toEqual({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: null, jwksUri: 'https://app.example.com/jwks' });
    expect(() => readClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' }, policy)).toThrow(InvalidClientMetadata);
    expect(() => readClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...jwk, d: 'secret' }] } }, policy)).toThrow(/public keys only/);
    // Keys sent with another method stay informational metadata: the client authenticates with its secret.
    const informational = readClientMetadata({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', jwks: { keys: [jwk] } }, policy);
    expect(informational.authentication).toEqual({ tokenEndpointAuthMethod: 'client_secret_post', jwks: null, jwksUri: null });
  });

  it('reads require_pushed_authorization_requests (RFC 9126 §6) as a boolean', () => {
    expect(readClientMetadata({ redirect_uris: [REDIRECT], require_pushed_authorization_requests: true }, policy).requirePushedAuthorizationRequests).toBe(true);
    expect(() => readClientMetadata({ redirect_uris: [REDIRECT], require_pushed_authorization_requests: 'yes' }, policy)).toThrow(InvalidClientMetadata);
  });

  it('reads refresh_token as a refresh count, none as a public client, null as absent', () => {
    const request = readClientMetadata(
      {
        redirect_uris: ['http://127.0.0.1/cb'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'a b a',
        client_name: null,
      },
      policy,
    );
    expect(request).toMatchObject({ type: 'public', grants: ['authorization_code'], refresh: true, scopes: ['a', 'b'] });
  });

  it('keeps informational metadata and ignores unknown members', () => {
    const request = readClientMetadata(
      { redirect_uris: [REDIRECT], client_uri: 'https://app.example.com', contacts: ['ops@example.com'], software_id: 'x', unknown: { deep: 1 } },
      policy,
    );
    expect(request.metadata).toEqual({
      token_endpoint_auth_method: 'client_secret_basic',
      client_uri: 'https://app.example.com',
      contacts: ['ops@example.com'],
      software_id: 'x',
    });
  });

  it.each([
    [{ redirect_uris: ['https://app.example.com/cb#x'] }],
    [{ redirect_uris: ['http://app.example.com/cb'] }],
    [{ redirect_uris: ['javascript:alert(1)'] }],
    [{ redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' }],
    [{ redirect_uris: 'https://app.example.com/cb' }],
    [{}],
  ])('refuses %j with invalid_redirect_uri', (body) => {
    expect(() => readClientMetadata(body, policy)).toThrow(InvalidRedirectUri);
  });

  it.each([
    [null],
    ['text'],
    [{ redirect_uris: [REDIRECT], grant_types: ['password'] }],
    [{ redirect_uris: [REDIRECT], grant_types: ['refresh_token'] }],
    [{ redirect_uris: [REDIRECT], grant_types: ['implicit'] }],
    [{ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }],
    [{ redirect_uris: [REDIRECT], response_types: ['token'] }],
    [{ redirect_uris: [REDIRECT], scope: 'a b c d e f g h i j k' }],
    [{ redirect_uris: [REDIRECT], client_uri: 'javascript:x' }],
    [{ redirect_uris: [REDIRECT], jwks: { keys: [] }, jwks_uri: 'https://app.example.com/jwks' }],
  ])('refuses %j with invalid_client_metadata', (body) => {
    expect(() => readClientMetadata(body, policy)).toThrow(InvalidClientMetadata);
  });

  it('enforces the policy grant types', () => {
    expect(() => readClientMetadata({ grant_types: ['client_credentials'] }, DEFAULT_REGISTRATION_POLICY)).toThrow(InvalidClientMetadata);
    expect(readClientMetadata({ grant_types: ['client_credentials'] }, policy).grants).toEqual(['client_credentials']);
  });

  it('registers a device client (RFC 8628) when the policy allows the grant: no redirect URI needed, refresh tokens allowed', () => {
    const device = 'urn:ietf:params:oauth:grant-type:device_code';
    expect(() => readClientMetadata({ grant_types: [device] }, DEFAULT_REGISTRATION_POLICY)).toThrow(InvalidClientMetadata);
    const read = readClientMetadata({ grant_types: [device, 'refresh_token'], token_endpoint_auth_method: 'none' }, { ...policy, grantTypes: [...policy.grantTypes, device] });
    expect(read).toMatchObject({ type: 'public', grants: [device], refresh: true, redirectUris: [] });
  });
});

describe('client names and versions', () => {
  it('turns characters the registry refuses into spaces', () => {
    expect(registryNameOf('Claude Code (MCP): notes/v2')).toBe('Claude Code MCP notes v2');
    expect(registryNameOf('()')).toBe(UNNAMED_CLIENT);
    expect(registryNameOf(undefined)).toBe(UNNAMED_CLIENT);
  });

  it('picks the version after the highest, then a suffixed one after lost races', () => {
    expect(freeVersion(null, 0)).toBe('1');
    expect(freeVersion(2, 0)).toBe('3');
    expect(freeVersion(1, 3)).toMatch(/^2-[0-9a-f]{8}$/);
  });
});
