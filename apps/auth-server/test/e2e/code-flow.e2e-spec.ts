import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, errorRedirect, pkcePair, tokenRequest, type TestClient } from '../support/authorize-flow.helpers.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://app.example.com/callback';

describe('authorization code and implicit flows through the login and consent pages', () => {
  let server: RunningAuthServer;
  let publicClient: TestClient;
  let confidentialClient: TestClient;
  let implicitClient: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    publicClient = await createTestClient(server, { type: 'public', grants: ['authorization_code'], scopes: ['read', 'write'], refreshCount: { mode: 'unlimited' } });
    confidentialClient = await createTestClient(server, { type: 'confidential', scopes: ['read'], refreshCount: { mode: 'limited', limit: 0 } });
    implicitClient = await createTestClient(server, { type: 'public', grants: ['implicit'], scopes: ['read'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs the code flow with PKCE for a public client and issues a refresh token when the count allows', async () => {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({ response_type: 'code', client_id: publicClient.clientId, redirect_uri: REDIRECT, scope: 'read', state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const code = codeFrom(location, REDIRECT, 'xyz');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { status, body } = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, publicClient);
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String), scope: 'read' });
  });

  it('runs the code flow for a confidential client without PKCE and without a refresh token at count 0', async () => {
    const path = authorizePath({ response_type: 'code', client_id: confidentialClient.clientId, state: 's1' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const code = codeFrom(location, REDIRECT, 's1');

    const { status, body } = await tokenRequest(server, { grant_type: 'authorization_code', code }, confidentialClient);
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read' });
  });

  it('grants every associated scope when none is requested', async () => {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({ response_type: 'code', client_id: publicClient.clientId, code_challenge: challenge, code_challenge_method: 'S256' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const { body } = await tokenRequest(server, { grant_type: 'authorization_code', code: codeFrom(location, REDIRECT), code_verifier: verifier }, publicClient);
    expect(body.scope).toBe('read write');
  });

  it('IM-1: the implicit flow returns the token in the fragment, with state, and no refresh token', async () => {
    const path = authorizePath({ response_type: 'token', client_id: implicitClient.clientId, scope: 'read', state: 'st ate/+?' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
    const fragment = new URLSearchParams(location.slice(REDIRECT.length + 1));
    expect([...fragment.keys()]).toEqual(['access_token', 'token_type', 'expires_in', 'scope', 'state', 'iss']);
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('3600');
    expect(fragment.get('scope')).toBe('read');
    expect(fragment.get('state')).toBe('st ate/+?');
    expect(fragment.get('access_token')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('IM-3: an implicit access token is no code and no refresh token at the token endpoint', async () => {
    const path = authorizePath({ response_type: 'token', client_id: implicitClient.clientId });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN);
    const accessToken = new URLSearchParams(location.split('#')[1]).get('access_token')!;
    const codeAttempt = await tokenRequest(server, { grant_type: 'authorization_code', code: accessToken, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier }, publicClient);
    expect(codeAttempt).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code is invalid' } });
    const refreshAttempt = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: accessToken }, publicClient);
    expect(refreshAttempt.status).toBe(400);
    expect(refreshAttempt.body.error).toBe('invalid_grant');
  });

  it('AZ-14: deny on the consent page redirects with access_denied and the state', async () => {
    const { challenge } = pkcePair();
    // prompt=consent: the consent given in the tests above is remembered.
    const path = authorizePath({ response_type: 'code', client_id: publicClient.clientId, state: 'abc', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN, 'deny');
    expect(location).toBe(errorRedirect(server.config.issuer, REDIRECT, 'access_denied', 'the user denied the request', 'abc'));
  });

  it('AZ-14: deny in the implicit flow puts the error in the fragment', async () => {
    const path = authorizePath({ response_type: 'token', client_id: implicitClient.clientId, state: 'abc', prompt: 'consent' });
    const { location } = await authorizeThroughPages(server, path, TEST_ADMIN, 'deny');
    expect(location).toBe(errorRedirect(server.config.issuer, REDIRECT, 'access_denied', 'the user denied the request', 'abc', 'fragment'));
  });
});
