import { describe, expect, it } from '@jest/globals';
import { metadataUrls } from './authorization-server-metadata.js';

describe(metadataUrls.name, () => {
  it('tries RFC 8414 first, then OpenID discovery, for an issuer without a path', () => {
    expect(metadataUrls('https://id.example.com')).toEqual([
      'https://id.example.com/.well-known/oauth-authorization-server',
      'https://id.example.com/.well-known/openid-configuration',
    ]);
  });

  it('inserts the well-known segment before the path for RFC 8414 and appends it for OpenID', () => {
    expect(metadataUrls('https://id.example.com/realms/main/')).toEqual([
      'https://id.example.com/.well-known/oauth-authorization-server/realms/main',
      'https://id.example.com/realms/main/.well-known/openid-configuration',
    ]);
  });
});
