import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import * as openid from 'openid-client';
import pg from 'pg';
import { freePort } from '#testing';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizeThroughPages, createTestClient, errorRedirect, tokenRequest, type ClientSpec, type TestClient } from '../support/authorize-flow.helpers.js';
import { accessTokenHash } from '../../src/tokens/id-token.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';
const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'read'];

/**
 * OpenID Connect id tokens (issue 15 items 1-3) with openid-client v6 as the relying party: it
 * discovers the provider, builds the requests and checks every id token it receives (iss, aud,
 * exp, iat, nonce, auth_time); jose checks their signatures against the JWKS, in both algorithms.
 */
describe('OpenID Connect tokens driven by openid-client', () => {
  let server: RunningAuthServer;
  let issuer: string;

  beforeAll(async () => {
    // openid-client insists that the discovered issuer is the URL it was given: listen on it.
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    issuer = server.config.issuer;
  });
  afterAll(async () => {
    await server.close();
  });

  async function jwks(): Promise<JSONWebKeySet> {
    return (await (await server.request('/oauth/jwks')).json()) as JSONWebKeySet;
  }

  async function verifyIdToken(idToken: string, clientId: string, alg: 'RS256' | 'ES256'): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(await jwks()), { issuer, audience: clientId, algorithms: [alg] });
    expect(protectedHeader).toMatchObject({ alg, typ: 'JWT', kid: expect.any(String) });
    return payload;
  }

  async function relyingParty(registered: TestClient, metadata: Partial<openid.ClientMetadata> = {}): Promise<openid.Configuration> {
    const auth = registered.clientSecret ? openid.ClientSecretBasic(registered.clientSecret) : openid.None();
    return openid.discovery(new URL(issuer), registered.clientId, metadata, auth, { execute: [openid.allowInsecureRequests] });
  }

  async function oidcClient(spec: ClientSpec = {}): Promise<TestClient> {
    return createTestClient(server, { redirectUris: [REDIRECT], scopes: OIDC_SCOPES, refreshCount: { mode: 'limited', limit: 3 }, ...spec });
  }

  /** The code flow with PKCE through the login and consent pages; openid-client validates the answer. */
  async function codeFlow(config: openid.Configuration, scope: string, nonce?: string) {
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope,
      state,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(nonce ? { nonce } : {}),
    });
    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
    return openid.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: scope.split(' ').includes('openid'),
    });
  }

  it('discovery: /.well-known/openid-configuration is the RFC 8414 document, with the Discovery 1.0 members', async () => {
    const oidc = await server.request('/.well-known/openid-configuration');
    expect(oidc.status).toBe(200);
    const document = (await oidc.json()) as Record<string, unknown>;
    const rfc8414 = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(document).toEqual(rfc8414);
    expect(document).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/oauth/jwks`,
      response_types_supported: ['code', 'token', 'id_token', 'id_token token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      scopes_supported: expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address', 'offline_access']),
      claims_supported: expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash']),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      grant_types_supported: expect.arrayContaining(['authorization_code', 'implicit', 'refresh_token']),
      code_challenge_methods_supported: ['S256'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
    const config = await relyingParty(await oidcClient());
    expect(config.serverMetadata().issuer).toBe(issuer);
  });

  it('the JWKS publishes an ES256 and an RSA (2048-bit or more) RS256 key, public members only', async () => {
    const keys = (await jwks()).keys;
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    const rsa = keys.find((key) => key.alg === 'RS256')!;
    expect(Object.keys(rsa).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(Buffer.from(rsa.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
  });

  it('code flow with PKCE and nonce: an RS256 id token; a refresh gives a new one with the same sub and auth_time, without nonce', async () => {
    const registered = await oidcClient({ type: 'confidential' });
    const config = await relyingParty(registered);
    const nonce = openid.randomNonce();
    const before = Math.floor(Date.now() / 1000);
    const tokens = await codeFlow(config, 'openid offline_access read', nonce);

    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: issuer, sub: TEST_ADMIN.username, aud: registered.clientId, nonce });
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.azp).toBeUndefined();
    const verified = await verifyIdToken(tokens.id_token!, registered.clientId, 'RS256');
    expect(verified.at_hash).toBe(accessTokenHash(tokens.access_token));
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await openid.refreshTokenGrant(config, tokens.refresh_token!);
    const again = await verifyIdToken(refreshed.id_token!, registered.clientId, 'RS256');
    expect(again).toMatchObject({ sub: claims.sub, auth_time: claims.auth_time, at_hash: accessTokenHash(refreshed.access_token) });
    expect(again.nonce).toBeUndefined();
    expect(refreshed.claims()).toMatchObject({ sub: claims.sub, auth_time: claims.auth_time });

    // An id token is never an access token (typ JWT, RS256): the admin API refuses it as a bearer token.
    const asBearer = await server.request('/admin/v1/clients', { headers: { authorization: `Bearer ${tokens.id_token!}` } });
    expect(asBearer.status).toBe(401);
  });

  it('an ES256 client (idTokenSignedResponseAlg) gets ES256 id tokens; its access tokens stay ES256', async () => {
    const registered = await oidcClient({ type: 'public', idTokenSignedResponseAlg: 'ES256' });
    const config = await relyingParty(registered, { id_token_signed_response_alg: 'ES256' });
    const tokens = await codeFlow(config, 'openid read', openid.randomNonce());
    await verifyIdToken(tokens.id_token!, registered.clientId, 'ES256');
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow: no nonce, an id token without one', async () => {
    const registered = await oidcClient();
    const tokens = await codeFlow(await relyingParty(registered), 'openid');
    const claims = await verifyIdToken(tokens.id_token!, registered.clientId, 'RS256');
    expect(claims.nonce).toBeUndefined();
    expect(claims.auth_time).toEqual(expect.any(Number));
  });

  it('offline_access: an OIDC request gets a refresh token only with it and within the refresh count; plain OAuth as before', async () => {
    const registered = await oidcClient();
    const config = await relyingParty(registered);
    expect((await codeFlow(config, 'openid read')).refresh_token).toBeUndefined();
    expect((await codeFlow(config, 'openid offline_access')).refresh_token).toEqual(expect.any(String));
    const plain = await codeFlow(config, 'read');
    expect(plain.refresh_token).toEqual(expect.any(String));
    expect(plain.id_token).toBeUndefined();

    const noRefreshes = await oidcClient({ refreshCount: { mode: 'limited', limit: 0 } });
    expect((await codeFlow(await relyingParty(noRefreshes), 'openid offline_access')).refresh_token).toBeUndefined();
  });

  it('oidcc-server-rotate-keys: after a rotation old id tokens still verify and new ones use the new RS256 kid', async () => {
    const registered = await oidcClient();
    const config = await relyingParty(registered);
    const old = await codeFlow(config, 'openid', openid.randomNonce());
    const rotated = await server.request('/admin/v1/keys/rotate', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { activationDelaySeconds: 0 },
    });
    expect(rotated.status).toBe(201);
    const { kid, kids } = (await rotated.json()) as { kid: string; kids: { ES256: string; RS256: string } };
    expect(kid).toBe(kids.ES256);
    expect((await jwks()).keys.map((key) => key.kid)).toEqual(expect.arrayContaining([kids.ES256, kids.RS256, decodeProtectedHeader(old.id_token!).kid]));

    await verifyIdToken(old.id_token!, registered.clientId, 'RS256');
    const fresh = await codeFlow(config, 'openid', openid.randomNonce());
    expect(decodeProtectedHeader(fresh.id_token!).kid).toBe(kids.RS256);
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe(kids.ES256);
    await verifyIdToken(fresh.id_token!, registered.clientId, 'RS256');
  });

  it('oidcc-codereuse: a replayed code is invalid_grant and revokes what the first exchange issued, id token path included', async () => {
    const registered = await oidcClient({ type: 'confidential' });
    const config = await relyingParty(registered);
    const verifier = openid.randomPKCECodeVerifier();
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
    const code = new URL(location).searchParams.get('code')!;
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    const first = await tokenRequest(server, exchange, registered);
    expect(first.status).toBe(200);
    expect((first.body as { id_token?: string }).id_token).toEqual(expect.any(String));

    const replay = await tokenRequest(server, exchange, registered);
    expect(replay).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code was already used' } });
    const introspected = await openid.tokenIntrospection(config, first.body.access_token!);
    expect(introspected).toEqual({ active: false });
    const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! }, registered);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('oidcc-codereuse-30seconds: a code replayed 30 s after its exchange is still invalid_grant and still revokes', async () => {
    const registered = await oidcClient({ type: 'confidential' });
    const config = await relyingParty(registered);
    const verifier = openid.randomPKCECodeVerifier();
    const url = openid.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await openid.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
    const exchange = { grant_type: 'authorization_code', code: new URL(location).searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier };
    const first = await tokenRequest(server, exchange, registered);
    expect(first.status).toBe(200);
    // 30 seconds pass, without a sleep: the code's times move back by 30 s (it would still be unexpired).
    const db = new pg.Client({ connectionString: server.database.url });
    await db.connect();
    try {
      const moved = await db.query(
        `UPDATE authorization_codes SET created_at = created_at - interval '30 seconds', consumed_at = consumed_at - interval '30 seconds', expires_at = expires_at - interval '30 seconds'
         WHERE client_ref = (SELECT id FROM clients WHERE client_id = $1)`,
        [registered.clientId],
      );
      expect(moved.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    expect(await tokenRequest(server, exchange, registered)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code was already used' } });
    expect(await openid.tokenIntrospection(config, first.body.access_token!)).toEqual({ active: false });
  });

  describe('implicit id_token and "id_token token" for public implicit clients', () => {
    let implicit: TestClient;
    let config: openid.Configuration;

    beforeAll(async () => {
      implicit = await oidcClient({ type: 'public', grants: ['implicit'] });
      config = await relyingParty(implicit);
    });

    function implicitPath(params: Record<string, string>): string {
      const url = openid.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', ...params });
      return `${url.pathname}${url.search}`;
    }

    it('response_type=id_token: only an id token in the fragment, validated by openid-client (signature, nonce)', async () => {
      const nonce = openid.randomNonce();
      const state = openid.randomState();
      const { location } = await authorizeThroughPages(server, implicitPath({ response_type: 'id_token', nonce, state }), TEST_ADMIN);
      const fragment = new URLSearchParams(new URL(location).hash.slice(1));
      expect([...fragment.keys()].sort()).toEqual(['id_token', 'iss', 'state']);
      const idTokenRp = await relyingParty(implicit);
      openid.useIdTokenResponseType(idTokenRp);
      const claims = await openid.implicitAuthentication(idTokenRp, new URL(location), nonce, { expectedState: state });
      expect(claims).toMatchObject({ iss: issuer, aud: implicit.clientId, sub: TEST_ADMIN.username, nonce, auth_time: expect.any(Number) });
      expect(claims.at_hash).toBeUndefined();
    });

    it('response_type="id_token token": the access token and an id token bound to it by at_hash', async () => {
      const nonce = openid.randomNonce();
      const { location } = await authorizeThroughPages(server, implicitPath({ response_type: 'id_token token', nonce, state: 's' }), TEST_ADMIN);
      const fragment = new URLSearchParams(new URL(location).hash.slice(1));
      expect(fragment.get('token_type')).toBe('Bearer');
      expect(fragment.get('refresh_token')).toBeNull();
      const claims = await verifyIdToken(fragment.get('id_token')!, implicit.clientId, 'RS256');
      expect(claims).toMatchObject({ nonce, at_hash: accessTokenHash(fragment.get('access_token')!) });
    });

    it('a missing nonce or a missing openid scope is invalid_request, by fragment redirect with the state', async () => {
      for (const responseType of ['id_token', 'id_token token', 'token id_token']) {
        const response = await server.request(implicitPath({ response_type: responseType, state: 'st' }));
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toBe(
          errorRedirect(
            server.config.issuer,
            REDIRECT,
            'invalid_request',
            `nonce is required for response_type ${responseType === 'id_token' ? 'id_token' : 'id_token token'}`,
            'st',
            'fragment',
          ),
        );
      }
      const url = openid.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'read', response_type: 'id_token', nonce: 'n', state: 'st' });
      const noOpenId = await server.request(`${url.pathname}${url.search}`);
      expect(noOpenId.headers.get('location')).toBe(
        errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'response_type id_token requires the openid scope', 'st', 'fragment'),
      );
    });

    it('a client not registered for implicit is unauthorized_client for id_token, in the fragment', async () => {
      const codeOnly = await oidcClient({ type: 'public' });
      const url = openid.buildAuthorizationUrl(await relyingParty(codeOnly), {
        redirect_uri: REDIRECT,
        scope: 'openid',
        response_type: 'id_token',
        nonce: 'n',
        state: 'st',
      });
      const response = await server.request(`${url.pathname}${url.search}`);
      expect(response.headers.get('location')).toBe(
        errorRedirect(server.config.issuer, REDIRECT, 'unauthorized_client', 'the client is not registered for the implicit grant', 'st', 'fragment'),
      );
    });
  });
});
