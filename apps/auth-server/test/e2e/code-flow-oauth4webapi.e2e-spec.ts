import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizeThroughPages, createTestClient, oauth4webapiCallback } from '../support/authorize-flow.helpers.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';

/** An independent client library (panva/oauth4webapi) drives every flow against the running server. */
describe('flows driven by oauth4webapi', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('obtains tokens as a public client', async () => {
    const registered = await createTestClient(server, { type: 'public', redirectUris: [REDIRECT], scopes: ['read'], refreshCount: { mode: 'limited', limit: 2 } });
    // Built by hand: the test server listens on a random port, not on its configured issuer.
    const as: oauth.AuthorizationServer = {
      issuer: server.config.issuer,
      authorization_endpoint: `${server.baseUrl}/oauth/authorize`,
      token_endpoint: `${server.baseUrl}/oauth/token`,
    };
    const client: oauth.Client = { client_id: registered.clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
    const callback = oauth.validateAuthResponse(as, client, new URL(location), state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, redirectUri, verifier, { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);

    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('read');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.access_token.split('.')).toHaveLength(3);
  });

  it('runs client credentials, the code flow with PKCE, refresh, introspection and revocation as a confidential client', async () => {
    const registered = await createTestClient(server, {
      type: 'confidential',
      grants: ['authorization_code', 'client_credentials'],
      redirectUris: [REDIRECT],
      scopes: ['read'],
      refreshCount: { mode: 'limited', limit: 2 },
    });
    const as: oauth.AuthorizationServer = {
      issuer: server.config.issuer,
      authorization_endpoint: `${server.baseUrl}/oauth/authorize`,
      token_endpoint: `${server.baseUrl}/oauth/token`,
      introspection_endpoint: `${server.baseUrl}/oauth/introspect`,
      revocation_endpoint: `${server.baseUrl}/oauth/revoke`,
    };
    const client: oauth.Client = { client_id: registered.clientId };
    const auth = oauth.ClientSecretBasic(registered.clientSecret!);
    const insecure = { [oauth.allowInsecureRequests]: true } as const;

    const machine = await oauth.processClientCredentialsResponse(as, client, await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read' }, insecure));
    expect(machine.refresh_token).toBeUndefined();
    const introspected = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, machine.access_token, insecure));
    expect(introspected).toMatchObject({ active: true, client_id: registered.clientId, scope: 'read', sub: registered.clientId });

    const { callback, verifier } = await oauth4webapiCallback(server, as, client, REDIRECT, 'read', TEST_ADMIN);
    const first = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT, verifier, insecure));
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token!, insecure));
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, insecure));
    const afterRevocation = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure));
    expect(afterRevocation).toEqual({ active: false });
  });
});
