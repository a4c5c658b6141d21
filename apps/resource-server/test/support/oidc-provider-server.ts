import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { TEST_RESOURCE_CLIENT } from '#testing';

/** The API client (client_credentials) and the admin client whose tokens carry rs.admin. */
export const API_CLIENT = { clientId: 'billing-api-client', clientSecret: 'billing-api-client-secret' };
export const ADMIN_CLIENT = { clientId: 'ops-console', clientSecret: 'ops-console-secret-0001' };

export interface OidcProviderServer {
  issuer: string;
  /** A client_credentials token from the token endpoint, for `resource` (default: the RS audience). */
  clientCredentialsToken(client: { clientId: string; clientSecret: string }, scope: string, resource?: string): Promise<string>;
  /** A JWT signed with the provider's own key (kid included), for claims the provider would never issue (expired…). */
  signWithProviderKey(claims: JWTPayload, header?: { typ?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface OidcProviderOptions {
  /** The resource server's audience: the resource indicator tokens are issued for. */
  audience: string;
  accessTokenFormat: 'jwt' | 'opaque';
  /** The signing key (ES256 private JWK); a second provider given the same key signs valid tokens for another issuer. */
  signingKey?: JWK;
  /** The API client's scopes (default reports.read and reports.write); rs.admin is always there, for the admin client. */
  apiScopes?: string[];
}

const API_SCOPES = ['reports.read', 'reports.write'];

/**
 * panva's oidc-provider, a third-party authorization server run in the test process on a spare
 * loopback port: client_credentials with resource indicators (RFC 8707), so that its access
 * tokens name the resource server's audience, as JWTs (RFC 9068) or opaque with introspection.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProviderServer> {
  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.writeHead(503).end();
  const server = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = options.signingKey ?? (await newSigningKey());
  const apiScopes = (options.apiScopes ?? API_SCOPES).join(' ');
  const scopes = `${apiScopes} rs.admin`;

  const provider = new Provider(issuer, {
    clients: [
      { client_id: API_CLIENT.clientId, client_secret: API_CLIENT.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: apiScopes },
      { client_id: ADMIN_CLIENT.clientId, client_secret: ADMIN_CLIENT.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'rs.admin' },
      // The resource server introspects as this client (RESOURCE_CLIENT_ID/SECRET in the harness).
      { client_id: TEST_RESOURCE_CLIENT.clientId, client_secret: TEST_RESOURCE_CLIENT.clientSecret, grant_types: [], response_types: [], redirect_uris: [] },
    ],
    jwks: { keys: [signingKey] },
    // The only key is ES256; clients default to RS256 ID tokens, which it could not sign.
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    scopes: ['openid', ...scopes.split(' ')],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => ({
          scope: scopes,
          audience: resourceIndicator,
          accessTokenTTL: 300,
          accessTokenFormat: options.accessTokenFormat,
          ...(options.accessTokenFormat === 'jwt' ? { jwt: { sign: { alg: 'ES256' } } } : {}),
        }),
      },
    },
  });
  handle = provider.callback();

  return {
    issuer,
    async clientCredentialsToken(client, scope, resource = options.audience) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !body.access_token) throw new Error(`oidc-provider token request failed: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async signWithProviderKey(claims, header = {}) {
      const key = await importJWK(signingKey, 'ES256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: header.typ ?? 'at+jwt' }).sign(key);
    },
    close: () => closeServer(server),
  };
}

/** A fresh ES256 private JWK with a kid. */
export async function newSigningKey(kid = `k-${Math.random().toString(36).slice(2)}`): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
