import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fetchAuthorizationServerMetadata, metadataUrls } from './authorization-server-metadata.js';

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

describe(fetchAuthorizationServerMetadata.name, () => {
  let server: Server;
  let origin: string;
  /** Path → the document served there (a loopback stand-in for an authorization server). */
  const documents = new Map<string, unknown>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const document = documents.get(request.url ?? '');
      if (document === undefined) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads RFC 8414 metadata for an issuer with a path', async () => {
    const issuer = `${origin}/tenant-a`;
    documents.set('/.well-known/oauth-authorization-server/tenant-a', { issuer, jwks_uri: `${issuer}/jwks`, introspection_endpoint: `${issuer}/introspect`, token_endpoint: `${issuer}/token` });
    expect(await fetchAuthorizationServerMetadata(issuer, issuer)).toEqual({ issuer, jwks_uri: `${issuer}/jwks`, introspection_endpoint: `${issuer}/introspect` });
  });

  it('falls back to OpenID discovery', async () => {
    const issuer = `${origin}/tenant-b`;
    documents.set('/tenant-b/.well-known/openid-configuration', { issuer, jwks_uri: `${issuer}/certs` });
    expect(await fetchAuthorizationServerMetadata(issuer, issuer)).toEqual({ issuer, jwks_uri: `${issuer}/certs`, introspection_endpoint: undefined });
  });

  it('refuses a document naming another issuer', async () => {
    const issuer = `${origin}/tenant-c`;
    documents.set('/.well-known/oauth-authorization-server/tenant-c', { issuer: 'https://attacker.example', jwks_uri: 'https://attacker.example/jwks' });
    await expect(fetchAuthorizationServerMetadata(issuer, issuer)).rejects.toThrow(/names the issuer https:\/\/attacker.example/);
  });

  it('says which URLs it tried when none answers', async () => {
    await expect(fetchAuthorizationServerMetadata(`${origin}/nowhere`, `${origin}/nowhere`)).rejects.toThrow(/no authorization server metadata: .*HTTP 404.*HTTP 404/);
  });
});
