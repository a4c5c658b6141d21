import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { jwkThumbprint } from '#dpop';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, createTestClient, oauth4webapiCallback, pkcePair, type TestClient } from '../support/authorize-flow.helpers.js';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** RFC 9449 at the auth server: bound tokens from the token endpoint, bound refresh tokens of public clients, nonces, userinfo. */
describe('DPoP at the auth server', () => {
  let server: RunningAuthServer;
  let as: oauth.AuthorizationServer;
  let machine: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    as = {
      issuer: server.config.issuer,
      authorization_endpoint: `${server.baseUrl}/oauth/authorize`,
      token_endpoint: `${server.baseUrl}/oauth/token`,
      introspection_endpoint: `${server.baseUrl}/oauth/introspect`,
      userinfo_endpoint: `${server.baseUrl}/oauth/userinfo`,
      pushed_authorization_request_endpoint: `${server.baseUrl}/oauth/par`,
    };
    machine = await createTestClient(server, { grants: ['client_credentials'], scopes: ['read'] });
  });
  afterAll(async () => {
    await server.close();
  });

  async function keyPair(): Promise<{ pair: oauth.CryptoKeyPair; jwk: JWK; jkt: string }> {
    const pair = (await generateKeyPair('ES256', { extractable: true })) as oauth.CryptoKeyPair;
    const jwk = await exportJWK(pair.publicKey);
    return { pair, jwk, jkt: jwkThumbprint(jwk as Record<string, unknown>) };
  }

  function machineCredentials(DPoP?: oauth.DPoPHandle): Promise<Response> {
    return oauth.clientCredentialsGrantRequest(as, { client_id: machine.clientId }, oauth.ClientSecretBasic(machine.clientSecret!), { scope: 'read' }, { ...insecure, DPoP });
  }

  /** A hand-made proof for the token endpoint, each claim and header member replaceable. */
  async function handProof(key: { pair: oauth.CryptoKeyPair; jwk: JWK }, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, alg = 'ES256'): Promise<string> {
    return new SignJWT({ jti: crypto.randomUUID(), htm: 'POST', htu: `${server.baseUrl}/oauth/token`, iat: Math.floor(Date.now() / 1000), ...claims })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: key.jwk, ...header })
      .sign(key.pair.privateKey as CryptoKey);
  }

  function tokenWithProof(dpop: string | string[]): Promise<Response> {
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${machine.clientId}:${machine.clientSecret}`).toString('base64')}` });
    for (const value of typeof dpop === 'string' ? [dpop] : dpop) headers.append('dpop', value);
    return fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers, body: 'grant_type=client_credentials&scope=read' });
  }

  async function auditActions(action: string): Promise<{ action: string; details?: Record<string, unknown> }[]> {
    const response = await server.request(`/admin/v1/audit?action=${action}&limit=200`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: { action: string; details?: Record<string, unknown> }[] }).items;
  }

  async function grantCount(): Promise<number> {
    const response = await server.request(`/admin/v1/tokens?clientId=${machine.clientId}&limit=200`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: unknown[] }).items.length;
  }

  it('advertises its proof algorithms, asymmetric only', async () => {
    const metadata = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256', 'PS256', 'EdDSA']));
    expect(metadata.dpop_signing_alg_values_supported).not.toContain('none');
    expect((metadata.dpop_signing_alg_values_supported as string[]).some((alg) => alg.startsWith('HS'))).toBe(false);
  });

  it('binds a client_credentials token to the proof key: token_type DPoP, cnf.jkt, and introspection shows both', async () => {
    const key = await keyPair();
    const DPoP = oauth.DPoP({}, key.pair);
    const tokens = await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, await machineCredentials(DPoP));
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
    const introspected = await oauth.processIntrospectionResponse(
      as,
      { client_id: machine.clientId },
      await oauth.introspectionRequest(as, { client_id: machine.clientId }, oauth.ClientSecretBasic(machine.clientSecret!), tokens.access_token, insecure),
    );
    expect(introspected).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
  });

  it('still issues bearer tokens without a proof', async () => {
    const tokens = await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, await machineCredentials());
    expect(tokens.token_type).toBe('bearer');
    expect(decodeJwt(tokens.access_token).cnf).toBeUndefined();
  });

  describe('refuses every bad proof with invalid_dpop_proof, issues nothing, and audits it', () => {
    const cases: [string, (key: { pair: oauth.CryptoKeyPair; jwk: JWK }) => Promise<string | string[]>][] = [
      ['two proofs', async (key) => [await handProof(key), await handProof(key)]],
      ['not a JWT', async () => 'not-a-proof'],
      ['typ other than dpop+jwt', (key) => handProof(key, {}, { typ: 'JWT' })],
      ['no jti', (key) => handProof(key, { jti: undefined })],
      ['no htm', (key) => handProof(key, { htm: undefined })],
      ['no htu', (key) => handProof(key, { htu: undefined })],
      ['no iat', (key) => handProof(key, { iat: undefined })],
      ['wrong htm', (key) => handProof(key, { htm: 'GET' })],
      ['wrong htu', (key) => handProof(key, { htu: `${server.baseUrl}/oauth/introspect` })],
      ['htu of another server', (key) => handProof(key, { htu: 'https://elsewhere.example/oauth/token' })],
      ['stale iat', (key) => handProof(key, { iat: Math.floor(Date.now() / 1000) - 3600 })],
      ['iat in the future', (key) => handProof(key, { iat: Math.floor(Date.now() / 1000) + 3600 })],
      ['a private key in jwk', async (key) => handProof(key, {}, { jwk: await exportJWK(key.pair.privateKey) })],
      ['signed by another key than its jwk', async (key) => handProof(key, {}, { jwk: (await keyPair()).jwk })],
      [
        'alg none',
        async (key) => {
          const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
          return `${encode({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })}.${encode({ jti: 'x', htm: 'POST', htu: `${server.baseUrl}/oauth/token`, iat: Math.floor(Date.now() / 1000) })}.`;
        },
      ],
      [
        'a symmetric alg',
        async () =>
          new SignJWT({ jti: crypto.randomUUID(), htm: 'POST', htu: `${server.baseUrl}/oauth/token`, iat: Math.floor(Date.now() / 1000) })
            .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from('0123456789abcdef0123456789abcdef').toString('base64url') } as JWK })
            .sign(Buffer.from('0123456789abcdef0123456789abcdef')),
      ],
    ];

    it.each(cases)('%s', async (label, makeProof) => {
      const key = await keyPair();
      const before = await grantCount();
      const response = await tokenWithProof(await makeProof(key));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; access_token?: string };
      expect(body.error).toBe('invalid_dpop_proof');
      expect(body.access_token).toBeUndefined();
      expect(await grantCount()).toBe(before);
      if (label !== 'two proofs') expect((await auditActions('token.dpop_refused')).length).toBeGreaterThan(0);
    });

    it('a proof used twice (the second time)', async () => {
      const key = await keyPair();
      const proof = await handProof(key);
      expect((await tokenWithProof(proof)).status).toBe(200);
      const before = (await auditActions('token.dpop_refused')).length;
      const replayed = await tokenWithProof(proof);
      expect(replayed.status).toBe(400);
      expect(await replayed.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: 'the DPoP proof was used before' });
      const after = await auditActions('token.dpop_refused');
      expect(after.length).toBe(before + 1);
      expect(after[0].details).toMatchObject({ reason: 'the DPoP proof was used before' });
    });
  });

  it('binds a public client’s refresh token: a refresh needs a proof of the same key', async () => {
    const registered = await createTestClient(server, { type: 'public', redirectUris: [REDIRECT], scopes: ['openid', 'offline_access', 'read'], refreshCount: { mode: 'unlimited' } });
    const client: oauth.Client = { client_id: registered.clientId };
    const key = await keyPair();
    const DPoP = oauth.DPoP(client, key.pair);
    const { callback, verifier } = await oauth4webapiCallback(server, as, client, REDIRECT, 'openid offline_access read', TEST_ADMIN);
    const first = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, verifier, { ...insecure, DPoP }));
    expect(first.token_type).toBe('dpop');
    expect(decodeJwt(first.access_token).cnf).toEqual({ jkt: key.jkt });

    // Without a proof, or with another key's: invalid_grant, and the refresh token still works after.
    const bare = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, bare)).rejects.toMatchObject({ error: 'invalid_grant' });
    const stranger = oauth.DPoP(client, (await keyPair()).pair);
    const foreign = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token!, { ...insecure, DPoP: stranger });
    await expect(oauth.processRefreshTokenResponse(as, client, foreign)).rejects.toMatchObject({ error: 'invalid_grant' });
    const refusals = await auditActions('token.dpop_refused');
    expect(refusals.filter((event) => event.details?.reason === 'refresh token bound to another key').length).toBeGreaterThanOrEqual(2);

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), first.refresh_token!, { ...insecure, DPoP }));
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({ jkt: key.jkt });
    // The rotated refresh token stays bound.
    const again = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, again)).rejects.toMatchObject({ error: 'invalid_grant' });

    // Userinfo is a protected resource: the bound token needs the DPoP scheme and a proof with ath.
    const asBearer = await fetch(`${server.baseUrl}/oauth/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    const claims = await oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, await oauth.userInfoRequest(as, client, refreshed.access_token, { ...insecure, DPoP }));
    expect(claims.sub).toBe(TEST_ADMIN.username);
    const strangerProof = await oauth.userInfoRequest(as, client, refreshed.access_token, { ...insecure, DPoP: stranger });
    expect(strangerProof.status).toBe(401);
    expect(strangerProof.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it('leaves a confidential client’s refresh token unbound: its authentication binds it', async () => {
    const registered = await createTestClient(server, { redirectUris: [REDIRECT], scopes: ['read'], refreshCount: { mode: 'unlimited' } });
    const client: oauth.Client = { client_id: registered.clientId };
    const auth = oauth.ClientSecretBasic(registered.clientSecret!);
    const DPoP = oauth.DPoP(client, (await keyPair()).pair);
    const { callback, verifier } = await oauth4webapiCallback(server, as, client, REDIRECT, 'read', TEST_ADMIN);
    const first = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT, verifier, { ...insecure, DPoP }));
    expect(first.token_type).toBe('dpop');
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, first.refresh_token!, insecure));
    expect(refreshed.token_type).toBe('bearer');
  });

  it('requires the server nonce when the setting says so: use_dpop_nonce with DPoP-Nonce, then the retry succeeds', async () => {
    const set = await server.request('/admin/v1/settings', { method: 'PATCH', json: { dpopNonceRequired: true }, headers: { authorization: server.adminAuthorization } });
    expect(set.status).toBe(200);
    try {
      const key = await keyPair();
      const DPoP = oauth.DPoP({}, key.pair);
      const refused = await machineCredentials(DPoP);
      expect(refused.status).toBe(400);
      const nonce = refused.headers.get('dpop-nonce');
      expect(nonce).toEqual(expect.any(String));
      let error: unknown;
      try {
        await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, refused);
      } catch (caught) {
        error = caught;
      }
      expect(oauth.isDPoPNonceError(error)).toBe(true);
      // oauth4webapi remembered the nonce from the answer: the retry carries it.
      const tokens = await oauth.processClientCredentialsResponse(as, { client_id: machine.clientId }, await machineCredentials(DPoP));
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
      // A made-up nonce is no better than none.
      const forged = await tokenWithProof(await handProof(key, { nonce: `${nonce!.split('.')[0]}.${nonce!.split('.')[1]}.AAAAAAAAAAAAAAAAAAAAAA` }));
      expect(forged.status).toBe(400);
      expect(await forged.json()).toMatchObject({ error: 'use_dpop_nonce' });
      // Bearer requests are not affected.
      expect((await machineCredentials()).status).toBe(200);
    } finally {
      await server.request('/admin/v1/settings', { method: 'PATCH', json: { dpopNonceRequired: false }, headers: { authorization: server.adminAuthorization } });
    }
  });

  describe('binds an authorization code to a DPoP key (RFC 9449 §10)', () => {
    let registered: TestClient;
    let client: oauth.Client;
    let auth: oauth.ClientAuth;

    beforeAll(async () => {
      registered = await createTestClient(server, { redirectUris: [REDIRECT], scopes: ['read'] });
      client = { client_id: registered.clientId };
      auth = oauth.ClientSecretBasic(registered.clientSecret!);
    });

    function exchange(callback: URLSearchParams, verifier: string, DPoP?: oauth.DPoPHandle): Promise<oauth.TokenEndpointResponse> {
      return oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT, verifier, { ...insecure, DPoP }).then((response) => oauth.processAuthorizationCodeResponse(as, client, response));
    }

    it('with dpop_jkt: the code is exchanged only with a proof of that key', async () => {
      const key = await keyPair();
      const withoutProof = await oauth4webapiCallback(server, as, client, REDIRECT, 'read', TEST_ADMIN, { dpop_jkt: key.jkt });
      await expect(exchange(withoutProof.callback, withoutProof.verifier)).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('bound to a DPoP key') });

      const otherKey = await oauth4webapiCallback(server, as, client, REDIRECT, 'read', TEST_ADMIN, { dpop_jkt: key.jkt });
      await expect(exchange(otherKey.callback, otherKey.verifier, oauth.DPoP(client, (await keyPair()).pair))).rejects.toMatchObject({ error: 'invalid_grant' });

      const right = await oauth4webapiCallback(server, as, client, REDIRECT, 'read', TEST_ADMIN, { dpop_jkt: key.jkt });
      const tokens = await exchange(right.callback, right.verifier, oauth.DPoP(client, key.pair));
      expect(tokens.token_type).toBe('dpop');
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
    });

    it('refuses a dpop_jkt that is not a SHA-256 thumbprint, by redirect', async () => {
      const { challenge } = pkcePair();
      const response = await server.request(
        authorizePath({ client_id: registered.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'read', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', dpop_jkt: 'not-a-thumbprint' }),
      );
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/dpop_jkt/);
      expect(location.searchParams.get('state')).toBe('s1');
    });

    it('with a DPoP proof at the PAR endpoint: the code is bound to the proof key', async () => {
      const key = await keyPair();
      const DPoP = oauth.DPoP(client, key.pair);
      async function pushedCode(): Promise<{ callback: URLSearchParams; verifier: string }> {
        const { verifier, challenge } = pkcePair();
        const response = await oauth.pushedAuthorizationRequest(as, client, auth, { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' }, { ...insecure, DPoP });
        const pushed = await oauth.processPushedAuthorizationResponse(as, client, response);
        const { location } = await authorizeThroughPages(server, authorizePath({ client_id: registered.clientId, request_uri: pushed.request_uri }), TEST_ADMIN);
        return { callback: oauth.validateAuthResponse(as, client, new URL(location), oauth.skipStateCheck), verifier };
      }
      const unproven = await pushedCode();
      await expect(exchange(unproven.callback, unproven.verifier)).rejects.toMatchObject({ error: 'invalid_grant' });
      const proven = await pushedCode();
      const tokens = await exchange(proven.callback, proven.verifier, DPoP);
      expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
    });

    it('refuses a PAR request whose proof key differs from its dpop_jkt, and a bad proof there', async () => {
      const key = await keyPair();
      const { challenge } = pkcePair();
      const params = { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' };
      const mismatch = await oauth.pushedAuthorizationRequest(as, client, auth, { ...params, dpop_jkt: (await keyPair()).jkt }, { ...insecure, DPoP: oauth.DPoP(client, key.pair) });
      expect(mismatch.status).toBe(400);
      expect(await mismatch.json()).toMatchObject({ error: 'invalid_request', error_description: 'the DPoP proof key does not match dpop_jkt' });

      const stale = await handProof(key, { htu: `${server.baseUrl}/oauth/par`, iat: Math.floor(Date.now() / 1000) - 600 });
      const response = await fetch(`${server.baseUrl}/oauth/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${registered.clientId}:${registered.clientSecret}`).toString('base64')}`, dpop: stale },
        body: new URLSearchParams(params),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    });
  });
});
