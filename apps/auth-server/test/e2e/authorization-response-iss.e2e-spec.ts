import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { freePort } from '#testing';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, createTestClient, pkcePair, type TestClient } from '../support/authorize-flow.helpers.js';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';

/**
 * RFC 9207: `iss` on every authorization response, success or error, in the query and in the
 * fragment. oauth4webapi is the client: with `authorization_response_iss_parameter_supported` in
 * the metadata it refuses a response without `iss`, or with another issuer's, before reading it.
 */
describe('iss in authorization responses (RFC 9207)', () => {
  let server: RunningAuthServer;
  let as: oauth.AuthorizationServer;
  let codeClient: TestClient;
  let implicitClient: TestClient;

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    const issuer = new URL(server.config.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
    codeClient = await createTestClient(server, { type: 'public', redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
    implicitClient = await createTestClient(server, { type: 'public', grants: ['implicit'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
  });
  afterAll(async () => {
    await server.close();
  });

  /** The response parameters where the response type puts them; every one names this issuer. */
  function responseOf(location: string): URLSearchParams {
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    const params = url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
    expect(params.get('iss')).toBe(as.issuer);
    return params;
  }

  /** What oauth4webapi makes of the response: validated parameters, or the error it threw. */
  function validated(params: URLSearchParams, state: string, server: oauth.AuthorizationServer = as, client: TestClient = codeClient): URLSearchParams | Error {
    try {
      return oauth.validateAuthResponse(server, { client_id: client.clientId }, params, state);
    } catch (error) {
      return error as Error;
    }
  }

  function codeRequest(extra: Record<string, string> = {}): { path: string; state: string } {
    const state = oauth.generateRandomState();
    const params = { client_id: codeClient.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'read', state, code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra };
    return { path: authorizePath(params), state };
  }

  it('both metadata documents say authorization_response_iss_parameter_supported', async () => {
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    const openIdMetadata = (await (await server.request('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(openIdMetadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('code flow success (query): iss is the issuer, and a client expecting another issuer refuses the response', async () => {
    const { path, state } = codeRequest();
    const { location, browser } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const params = responseOf(location);
    expect(validated(params, state)).toBeInstanceOf(URLSearchParams);
    const mixedUp = validated(params, state, { ...as, issuer: 'https://other-server.example' });
    expect(mixedUp).toBeInstanceOf(oauth.OperationProcessingError);
    expect((mixedUp as Error).message).toMatch(/unexpected "iss"/);

    // The same browser's session answers the next request at once (single sign-on): iss there too.
    const again = codeRequest();
    const silent = await browser.get(again.path);
    expect(silent.status).toBe(302);
    expect(validated(responseOf(silent.headers.get('location')!), again.state)).toBeInstanceOf(URLSearchParams);
  });

  it.each([
    ['a request refused before the login page (invalid_scope)', { scope: 'no-such-scope' }, 'invalid_scope'],
    ['an OpenID parameter refused (invalid_request: max_age)', { scope: 'openid', max_age: '-1' }, 'invalid_request'],
    ['prompt=none without a session (login_required)', { scope: 'openid', prompt: 'none' }, 'login_required'],
  ])('code flow error by redirect, %s: iss, state and the error', async (_name, extra, error) => {
    const { path, state } = codeRequest(extra);
    const response = await server.request(path);
    expect(response.status).toBe(302);
    const outcome = validated(responseOf(response.headers.get('location')!), state);
    expect(outcome).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((outcome as oauth.AuthorizationResponseError).error).toBe(error);
  });

  it('a consent denied (access_denied) comes back with iss', async () => {
    // prompt=consent: this client's consent is remembered since the first test.
    const { path, state } = codeRequest({ prompt: 'consent', scope: 'openid read' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN, 'deny');
    const outcome = validated(responseOf(location), state);
    expect((outcome as oauth.AuthorizationResponseError).error).toBe('access_denied');
  });

  it('implicit success and error in the fragment carry iss', async () => {
    const state = oauth.generateRandomState();
    const base = { client_id: implicitClient.clientId, redirect_uri: REDIRECT, scope: 'read', state };
    const { location } = await authorizeThroughPages(server, authorizePath({ ...base, response_type: 'token' }), TEST_ADMIN);
    const params = responseOf(location);
    expect(params.get('access_token')).toEqual(expect.any(String));
    expect(validated(params, state, as, implicitClient)).toBeInstanceOf(URLSearchParams);

    // OIDC Core §3.2.2.1: nonce is required in the implicit flow; the error goes to the fragment.
    const refused = await server.request(authorizePath({ ...base, scope: 'openid', response_type: 'id_token' }));
    expect(refused.status).toBe(302);
    const outcome = validated(responseOf(refused.headers.get('location')!), state, as, implicitClient);
    expect((outcome as oauth.AuthorizationResponseError).error).toBe('invalid_request');
  });

  it('an id token in the fragment (response_type=id_token) carries iss', async () => {
    const state = oauth.generateRandomState();
    const path = authorizePath({ client_id: implicitClient.clientId, redirect_uri: REDIRECT, scope: 'openid', state, nonce: oauth.generateRandomNonce(), response_type: 'id_token' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const params = responseOf(location);
    expect(params.get('id_token')).toEqual(expect.any(String));
  });
});
