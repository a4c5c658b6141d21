import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { GrantTypes } from '#oauth';
import { randomUUID } from 'node:crypto';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { GrantsRepository } from '../../src/tokens/grants.repository.js';
import { ParentGrantRevoked } from '../../src/tokens/token-issuance.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { createTestClient, patchClient, type TestClient } from '../support/authorize-flow.helpers.js';
import { call } from '../support/clients-fixtures.js';
import { basic, createClient, createUser, postForm, sql, type TestClient as SqlClient } from '../support/token-fixtures.js';

// Booting the app on the embedded PGlite takes a while on a loaded CI machine.
jest.setTimeout(90_000);

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const API = 'https://api.example.com';
const BILLING = 'https://billing.example.com';
const LEDGER = 'https://ledger.example.com';
const UNLISTED = 'https://unlisted.example.com';
const SUBJECT_REFUSED = 'the subject_token is invalid, inactive, or not one this client may present';

type Claims = { sub: string; client_id: string; aud: string; scope: string; gid: string; gty: string; exp?: number; iat: number; act?: unknown };
const claimsOf = (token: string): Claims => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Claims;

/**
 * RFC 8693 token exchange, driven by oauth4webapi (genericTokenEndpointRequest) and openid-client
 * (genericGrantRequest). A user (alice) gets a token at `web` for the API resource; the API's own
 * client (`api`, named by the resource) exchanges it, acting for itself (delegation) or not
 * (impersonation, when allowed), into BILLING, whose client (`billing`) exchanges again (nested act).
 */
describe('token exchange (RFC 8693)', () => {
  let server: RunningAuthServer;
  let as: oauth.AuthorizationServer;
  let web: TestClient;
  let api: TestClient;
  let billing: TestClient;
  let outsider: TestClient;
  let introspector: SqlClient;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  async function exchangeClient(name: string, fields: Record<string, unknown>): Promise<TestClient> {
    const client = await createTestClient(server, { name, grants: [GrantTypes.tokenExchange, 'client_credentials'], scopes: ['read', 'write'] });
    await patchClient(server, client.clientId, fields);
    return client;
  }

  /** alice's access token at `web` (password grant) for `resource`. */
  async function userToken(resource = API, client = web, scope = 'read write'): Promise<string> {
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'password', username: 'alice', password: 'alice-password-1', scope, resource },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function ownToken(client: TestClient): Promise<string> {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: client.clientId },
      oauth.ClientSecretBasic(client.clientSecret!),
      { scope: 'read' },
      insecure,
    );
    return (await oauth.processClientCredentialsResponse(as, { client_id: client.clientId }, response)).access_token;
  }

  /** The raw token endpoint answer, as oauth4webapi sends the request. */
  function exchangeRequest(caller: TestClient, parameters: Record<string, string>): Promise<Response> {
    return oauth.genericTokenEndpointRequest(
      as,
      { client_id: caller.clientId },
      oauth.ClientSecretBasic(caller.clientSecret!),
      TOKEN_EXCHANGE,
      parameters,
      insecure,
    );
  }

  async function exchange(caller: TestClient, parameters: Record<string, string>): Promise<oauth.TokenEndpointResponse> {
    return oauth.processGenericTokenEndpointResponse(as, { client_id: caller.clientId }, await exchangeRequest(caller, parameters));
  }

  async function refused(
    caller: TestClient,
    parameters: Record<string, string>,
  ): Promise<{ status: number; body: { error: string; error_description?: string } }> {
    const response = await exchangeRequest(caller, parameters);
    return { status: response.status, body: (await response.json()) as { error: string; error_description?: string } };
  }

  const delegated = (subject: string, actor: string, extra: Record<string, string> = {}) => ({
    subject_token: subject,
    subject_token_type: ACCESS_TOKEN,
    actor_token: actor,
    actor_token_type: ACCESS_TOKEN,
    ...extra,
  });

  async function introspect(token: string): Promise<Record<string, unknown>> {
    const response = await postForm(server, '/oauth/introspect', { token }, { authorization: basic(introspector.clientId, introspector.secret) });
    return (await response.json()) as Record<string, unknown>;
  }

  async function exchangedGrants(): Promise<number> {
    const [row] = await sql<{ count: string }>(server, 'SELECT count(*)::text AS count FROM grants WHERE grant_type = $1', [TOKEN_EXCHANGE]);
    return Number(row.count);
  }

  async function auditRows(action: string, clientId: string): Promise<{ target_id: string; details: Record<string, unknown> }[]> {
    await server.app.get(AuditWriter).flush();
    return sql(server, 'SELECT target_id, details FROM audit_events WHERE action = $1 AND actor = $2 ORDER BY occurred_at, id', [action, clientId]);
  }

  /** A refusal: the error, nothing issued, and a token.exchange_refused row naming it. */
  async function expectRefused(caller: TestClient, parameters: Record<string, string>, error: string, description?: string): Promise<void> {
    const before = await exchangedGrants();
    const refusalsBefore = (await auditRows('token.exchange_refused', caller.clientId)).length;
    const { status, body } = await refused(caller, parameters);
    expect([status, body.error]).toEqual([error === 'invalid_client' ? 401 : 400, error]);
    if (description) expect(body.error_description).toBe(description);
    expect(body).not.toHaveProperty('access_token');
    expect(await exchangedGrants()).toBe(before);
    const refusals = await auditRows('token.exchange_refused', caller.clientId);
    expect(refusals).toHaveLength(refusalsBefore + 1);
    expect(refusals.at(-1)!.details).toMatchObject({ error });
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    as = { issuer: server.config.issuer, token_endpoint: `${server.baseUrl}/oauth/token` };
    await createUser(server, 'alice', 'alice-password-1');
    web = await createTestClient(server, { name: 'Web', grants: ['password', 'client_credentials'], scopes: ['read', 'write'] });
    api = await exchangeClient('API', { tokenExchangeAudiences: [BILLING, LEDGER] });
    billing = await exchangeClient('Billing', {});
    outsider = await exchangeClient('Outsider', { tokenExchangeAudiences: [API, BILLING], tokenExchangeImpersonation: true });
    introspector = await createClient(server, { introspection: true });
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: API, name: 'API', clientId: api.clientId })).status).toBe(201);
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: BILLING, name: 'Billing', clientId: billing.clientId })).status).toBe(201);
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: UNLISTED, name: 'Unlisted' })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('advertises the grant type and keeps the client fields (default: no audience, no impersonation)', async () => {
    const metadata = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toContain(TOKEN_EXCHANGE);
    expect((await call(server, 'GET', `/admin/v1/clients/${billing.clientId}`)).body).toMatchObject({
      tokenExchangeAudiences: [],
      tokenExchangeImpersonation: false,
    });
    expect((await call(server, 'GET', `/admin/v1/clients/${api.clientId}`)).body).toMatchObject({
      tokenExchangeAudiences: [BILLING, LEDGER],
      tokenExchangeImpersonation: false,
    });
  });

  it('delegation: the client the resource names exchanges a user token, acting for itself; act at introspection; audited', async () => {
    const subject = await userToken();
    const tokens = await exchange(api, delegated(subject, await ownToken(api)));
    expect(tokens).toMatchObject({ token_type: 'bearer', issued_token_type: ACCESS_TOKEN, scope: 'read write' });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBeGreaterThan(0);
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ sub: 'alice', client_id: api.clientId, aud: API, gty: TOKEN_EXCHANGE, act: { sub: api.clientId, client_id: api.clientId } });
    expect(claims.exp).toBeLessThanOrEqual(claimsOf(subject).exp!);
    expect(await introspect(tokens.access_token)).toMatchObject({
      active: true,
      sub: 'alice',
      client_id: api.clientId,
      username: 'alice',
      act: { sub: api.clientId, client_id: api.clientId },
    });

    const [parent] = await sql<{ parent_grant_id: string }>(server, 'SELECT parent_grant_id FROM grants WHERE id = $1', [claims.gid]);
    expect(parent.parent_grant_id).toBe(claimsOf(subject).gid);
    const audit = (await auditRows('token.exchanged', api.clientId)).find((row) => row.target_id === claims.gid);
    expect(audit?.details).toMatchObject({
      subject: 'alice',
      subjectClientId: web.clientId,
      subjectGrantId: claimsOf(subject).gid,
      actor: api.clientId,
      actorClientId: api.clientId,
      audience: API,
    });
  });

  it('exchanges a DPoP-bound subject token only with a proof of its key, and binds the result to that key', async () => {
    const pair = await oauth.generateKeyPair('ES256');
    const password = { username: 'alice', password: 'alice-password-1', scope: 'read write', resource: API };
    const issued = await oauth.genericTokenEndpointRequest(as, { client_id: web.clientId }, oauth.ClientSecretBasic(web.clientSecret!), 'password', password, {
      ...insecure,
      DPoP: oauth.DPoP({}, pair),
    });
    const boundSubject = (await oauth.processGenericTokenEndpointResponse(as, { client_id: web.clientId }, issued)).access_token;
    const jkt = (claimsOf(boundSubject) as unknown as { cnf: { jkt: string } }).cnf.jkt;
    const before = await exchangedGrants();
    expect(await refused(api, delegated(boundSubject, await ownToken(api)))).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: SUBJECT_REFUSED } });
    const withProof = async (keys: oauth.CryptoKeyPair) =>
      oauth.genericTokenEndpointRequest(as, { client_id: api.clientId }, oauth.ClientSecretBasic(api.clientSecret!), TOKEN_EXCHANGE, delegated(boundSubject, await ownToken(api)), {
        ...insecure,
        DPoP: oauth.DPoP({}, keys),
      });
    const foreign = await withProof(await oauth.generateKeyPair('ES256'));
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_request', error_description: SUBJECT_REFUSED });
    expect(await exchangedGrants()).toBe(before);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, { client_id: api.clientId }, await withProof(pair));
    expect(tokens.token_type).toBe('dpop');
    expect((claimsOf(tokens.access_token) as unknown as { cnf: unknown }).cnf).toEqual({ jkt });
  });

  it('nests act (RFC 8693 §4.1) when the subject token was itself delegated, through openid-client', async () => {
    const first = await exchange(api, delegated(await userToken(), await ownToken(api), { resource: BILLING }));
    expect(claimsOf(first.access_token).aud).toBe(BILLING);
    const config = new openid.Configuration(
      { issuer: server.config.issuer, token_endpoint: `${server.baseUrl}/oauth/token` },
      billing.clientId,
      {},
      openid.ClientSecretBasic(billing.clientSecret!),
    );
    openid.allowInsecureRequests(config);
    const second = await openid.genericGrantRequest(config, TOKEN_EXCHANGE, delegated(first.access_token, await ownToken(billing)));
    expect(second.issued_token_type).toBe(ACCESS_TOKEN);
    const nested = { sub: billing.clientId, client_id: billing.clientId, act: { sub: api.clientId, client_id: api.clientId } };
    expect(claimsOf(second.access_token)).toMatchObject({ sub: 'alice', client_id: billing.clientId, aud: BILLING, act: nested });
    expect(await introspect(second.access_token)).toMatchObject({ active: true, act: nested });
  });

  it('impersonation: refused without the client flag (invalid_request), allowed with it (no act)', async () => {
    const subject = await userToken();
    await expectRefused(
      api,
      { subject_token: subject, subject_token_type: ACCESS_TOKEN },
      'invalid_request',
      'this client may not impersonate: send an actor_token',
    );
    await patchClient(server, api.clientId, { tokenExchangeImpersonation: true });
    try {
      const tokens = await exchange(api, { subject_token: subject, subject_token_type: ACCESS_TOKEN, scope: 'read' });
      const claims = claimsOf(tokens.access_token);
      expect(claims).toMatchObject({ sub: 'alice', client_id: api.clientId, scope: 'read' });
      expect(claims.act).toBeUndefined();
      expect((await introspect(tokens.access_token)).act).toBeUndefined();
      const audit = (await auditRows('token.exchanged', api.clientId)).find((row) => row.target_id === claims.gid);
      expect(audit?.details).toMatchObject({ impersonation: true, subject: 'alice' });
    } finally {
      await patchClient(server, api.clientId, { tokenExchangeImpersonation: false });
    }
  });

  it('an exchanged token never outlives its subject token (exp and expires_in capped)', async () => {
    const brief = await createTestClient(server, { name: 'Brief', grants: ['password'], scopes: ['read', 'write'] });
    await patchClient(server, brief.clientId, { accessTokenLifetime: { mode: 'seconds', seconds: 60 } });
    const subject = await userToken(API, brief);
    const tokens = await exchange(api, delegated(subject, await ownToken(api)));
    expect(claimsOf(tokens.access_token).exp).toBe(claimsOf(subject).exp);
    expect(tokens.expires_in).toBeLessThanOrEqual(60);
  });

  it('scope only narrows: a subset is granted, anything wider is invalid_scope', async () => {
    const subject = await userToken(API, web, 'read');
    expect((await exchange(api, delegated(subject, await ownToken(api), { scope: 'read' }))).scope).toBe('read');
    await expectRefused(api, delegated(subject, await ownToken(api), { scope: 'read write' }), 'invalid_scope');
    await expectRefused(api, delegated(subject, await ownToken(api), { scope: 'admin' }), 'invalid_scope');
  });

  it('audience only goes where the client may exchange into: listed and registered, else invalid_target', async () => {
    const subject = await userToken();
    const actor = await ownToken(api);
    expect(claimsOf((await exchange(api, delegated(subject, actor, { audience: BILLING }))).access_token).aud).toBe(BILLING);
    await expectRefused(api, delegated(subject, actor, { resource: UNLISTED }), 'invalid_target');
    await expectRefused(api, delegated(subject, actor, { audience: UNLISTED }), 'invalid_target');
    // Listed but not registered.
    await expectRefused(api, delegated(subject, actor, { resource: LEDGER }), 'invalid_target');
    await expectRefused(api, delegated(subject, actor, { resource: BILLING, audience: API }), 'invalid_target');
    await expectRefused(api, delegated(subject, actor, { audience: 'not a uri' }), 'invalid_target');
    // billing lists no audience: it keeps the subject token's own, and can go nowhere else.
    const forBilling = await userToken(BILLING);
    expect(claimsOf((await exchange(billing, delegated(forBilling, await ownToken(billing)))).access_token).aud).toBe(BILLING);
    await expectRefused(billing, delegated(forBilling, await ownToken(billing), { resource: API }), 'invalid_target');
  });

  it('refuses a revoked, expired, foreign or garbage subject token alike with invalid_request', async () => {
    const actor = await ownToken(api);
    const revoked = await userToken();
    expect((await postForm(server, '/oauth/revoke', { token: revoked }, { authorization: basic(web.clientId, web.clientSecret!) })).status).toBe(200);
    await expectRefused(api, delegated(revoked, actor), 'invalid_request', SUBJECT_REFUSED);

    const shortLived = await createTestClient(server, { name: 'Short', grants: ['password'], scopes: ['read', 'write'] });
    await patchClient(server, shortLived.clientId, { accessTokenLifetime: { mode: 'seconds', seconds: 1 } });
    const expiring = await userToken(API, shortLived);
    const exp = claimsOf(expiring).exp!;
    while (Math.floor(Date.now() / 1000) <= exp) await new Promise((resolve) => setTimeout(resolve, 200));
    await expectRefused(api, delegated(expiring, actor), 'invalid_request', SUBJECT_REFUSED);

    // Our claims, the right typ and alg, but another key: a token of some other server.
    const { privateKey } = await generateKeyPair('ES256');
    const genuine = claimsOf(await userToken());
    const forged = await new SignJWT({ ...genuine, jti: 'forged' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'foreign' }).sign(privateKey);
    await expectRefused(api, delegated(forged, actor), 'invalid_request', SUBJECT_REFUSED);

    await expectRefused(api, delegated('garbage', actor), 'invalid_request', SUBJECT_REFUSED);
    await expectRefused(api, delegated('a.b.c', actor), 'invalid_request', SUBJECT_REFUSED);
  });

  it("refuses a caller that is neither the token's client nor in its audience, as if the token were garbage", async () => {
    const subject = await userToken();
    await expectRefused(outsider, delegated(subject, await ownToken(outsider)), 'invalid_request', SUBJECT_REFUSED);
    await expectRefused(outsider, { subject_token: subject, subject_token_type: ACCESS_TOKEN }, 'invalid_request', SUBJECT_REFUSED);
    // The actor token is held to the same rule: api may not name billing's token as its actor.
    await expectRefused(
      api,
      delegated(subject, await ownToken(billing)),
      'invalid_request',
      'the actor_token is invalid, inactive, or not one this client may present',
    );
  });

  it('refuses malformed requests with invalid_request: token types, missing or unpaired parameters', async () => {
    const subject = await userToken();
    const actor = await ownToken(api);
    await expectRefused(
      api,
      { subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', actor_token: actor, actor_token_type: ACCESS_TOKEN },
      'invalid_request',
    );
    await expectRefused(
      api,
      { subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', actor_token: actor, actor_token_type: ACCESS_TOKEN },
      'invalid_request',
    );
    await expectRefused(
      api,
      { subject_token: subject, subject_token_type: ACCESS_TOKEN, actor_token: actor, actor_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
      'invalid_request',
    );
    await expectRefused(api, { subject_token: subject, subject_token_type: ACCESS_TOKEN, actor_token: actor }, 'invalid_request');
    await expectRefused(api, delegated(subject, actor, { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }), 'invalid_request');
    // Missing required parameters are refused by the endpoint before the grant runs; audited all the same.
    await expectRefused(api, { subject_token_type: ACCESS_TOKEN }, 'invalid_request', 'the parameter subject_token is missing');
    await expectRefused(api, { subject_token: subject }, 'invalid_request', 'the parameter subject_token_type is missing');
    // Repeated parameters are refused while the form is read (RFC 6749 §3.2), before anyone is authenticated.
    const before = await exchangedGrants();
    const auth = { authorization: basic(api.clientId, api.clientSecret!) };
    const twice = await postForm(
      server,
      '/oauth/token',
      { grant_type: TOKEN_EXCHANGE, subject_token: [subject, subject], subject_token_type: ACCESS_TOKEN, actor_token: actor, actor_token_type: ACCESS_TOKEN },
      auth,
    );
    expect([twice.status, ((await twice.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    const twoTargets = await postForm(server, '/oauth/token', { ...delegated(subject, actor), grant_type: TOKEN_EXCHANGE, resource: [API, BILLING] }, auth);
    expect([twoTargets.status, ((await twoTargets.json()) as { error: string }).error]).toEqual([400, 'invalid_target']);
    expect(await exchangedGrants()).toBe(before);
  });

  it('refuses a revoked actor token with invalid_request, as a subject token', async () => {
    const actor = await ownToken(api);
    expect((await postForm(server, '/oauth/revoke', { token: actor }, { authorization: basic(api.clientId, api.clientSecret!) })).status).toBe(200);
    await expectRefused(
      api,
      delegated(await userToken(), actor),
      'invalid_request',
      'the actor_token is invalid, inactive, or not one this client may present',
    );
    await expectRefused(
      api,
      delegated(await userToken(), 'garbage'),
      'invalid_request',
      'the actor_token is invalid, inactive, or not one this client may present',
    );
  });

  it('is for confidential clients registered for it: a public client cannot register it nor use it', async () => {
    const created = await call(server, 'POST', '/admin/v1/clients', {
      name: 'Public exchange',
      version: '1',
      type: 'public',
      grants: ['authorization_code', TOKEN_EXCHANGE],
      redirectUris: ['https://app.example.com/cb'],
    });
    expect(created.status).toBe(400);
    const publicClient = await createTestClient(server, { name: 'Public', type: 'public', scopes: ['read'] });
    const before = await exchangedGrants();
    const response = await postForm(server, '/oauth/token', {
      grant_type: TOKEN_EXCHANGE,
      client_id: publicClient.clientId,
      subject_token: await userToken(),
      subject_token_type: ACCESS_TOKEN,
    });
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, 'unauthorized_client']);
    // Registered for other grants only: the same.
    const response2 = await postForm(
      server,
      '/oauth/token',
      { grant_type: TOKEN_EXCHANGE, subject_token: await userToken(), subject_token_type: ACCESS_TOKEN },
      { authorization: basic(web.clientId, web.clientSecret!) },
    );
    expect([response2.status, ((await response2.json()) as { error: string }).error]).toEqual([400, 'unauthorized_client']);
    expect(await exchangedGrants()).toBe(before);
    for (const caller of [publicClient, web])
      expect((await auditRows('token.exchange_refused', caller.clientId)).map((row) => row.details.error)).toEqual(['unauthorized_client']);
  });

  it('an exchange whose subject grant is revoked before its row is written writes nothing (the row is conditional)', async () => {
    const subject = claimsOf(await userToken());
    const [apiRow] = await sql<{ id: string }>(server, 'SELECT id FROM clients WHERE client_id = $1', [api.clientId]);
    const [alice] = await sql<{ id: string }>(server, `SELECT id FROM users WHERE username = 'alice'`);
    await sql(server, 'UPDATE grants SET revoked_at = now() WHERE id = $1', [subject.gid]);
    const before = await exchangedGrants();
    const grant = {
      id: randomUUID(),
      clientRef: apiRow.id,
      clientId: api.clientId,
      userId: alice.id,
      username: 'alice',
      grantType: TOKEN_EXCHANGE,
      scopes: ['read'],
      issuedAt: new Date(),
      accessExpiresAt: new Date(Date.now() + 60_000),
      refreshTokenHash: null,
      refreshRemaining: null,
      refreshUnlimited: false,
      authorizationCodeHash: null,
      authTime: null,
      requestIp: null,
      requestId: null,
      resources: [],
      refreshJkt: null,
    };
    await expect(server.app.get(GrantsRepository).insertExchanged(grant, subject.gid)).rejects.toBeInstanceOf(ParentGrantRevoked);
    expect(await exchangedGrants()).toBe(before);
  });

  it('a user deactivated: the tokens exchanged from theirs are inactive too', async () => {
    const bob = await createUser(server, 'bob', 'bob-password-1');
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'password', username: 'bob', password: 'bob-password-1', scope: 'read', resource: API },
      { authorization: basic(web.clientId, web.clientSecret!) },
    );
    const subject = ((await response.json()) as { access_token: string }).access_token;
    const exchanged = (await exchange(api, delegated(subject, await ownToken(api)))).access_token;
    expect((await introspect(exchanged)).active).toBe(true);
    expect((await call(server, 'PATCH', `/admin/v1/users/${bob.id}`, { active: false })).status).toBe(200);
    expect(await introspect(exchanged)).toEqual({ active: false });
  });

  describe('revocation follows the chain', () => {
    /** subject (web) -> first (api, into BILLING) -> second (billing): the tokens and their grant ids. */
    async function chain(subjectClient = web): Promise<{ subject: string; first: string; second: string }> {
      const subject = await userToken(API, subjectClient);
      const first = (await exchange(api, delegated(subject, await ownToken(api), { resource: BILLING }))).access_token;
      const second = (await exchange(billing, delegated(first, await ownToken(billing)))).access_token;
      for (const token of [subject, first, second]) expect((await introspect(token)).active).toBe(true);
      return { subject, first, second };
    }

    async function revokedEvents(clientId: string): Promise<{ grantIds?: string[] }[]> {
      return (
        await sql<{ payload: { grantIds?: string[] } }>(server, `SELECT payload FROM outbox_events WHERE kind = 'tokens.revoked' AND entity_id = $1`, [
          clientId,
        ])
      ).map((row) => row.payload);
    }

    async function expectChainRevoked({ subject, first, second }: { subject: string; first: string; second: string }): Promise<void> {
      for (const token of [subject, first, second]) expect(await introspect(token)).toEqual({ active: false });
      // The resource servers hear of each exchanged grant, under its own client.
      expect((await revokedEvents(api.clientId)).some((event) => event.grantIds?.includes(claimsOf(first).gid))).toBe(true);
      expect((await revokedEvents(billing.clientId)).some((event) => event.grantIds?.includes(claimsOf(second).gid))).toBe(true);
      // And an exchange from a revoked link is refused.
      await expectRefused(billing, delegated(first, await ownToken(billing)), 'invalid_request', SUBJECT_REFUSED);
    }

    it("at the revocation endpoint (the subject's client revokes its token)", async () => {
      const tokens = await chain();
      expect((await postForm(server, '/oauth/revoke', { token: tokens.subject }, { authorization: basic(web.clientId, web.clientSecret!) })).status).toBe(200);
      await expectChainRevoked(tokens);
    });

    it('from the middle: revoking the first exchanged token leaves the subject live', async () => {
      const tokens = await chain();
      expect((await postForm(server, '/oauth/revoke', { token: tokens.first }, { authorization: basic(api.clientId, api.clientSecret!) })).status).toBe(200);
      expect((await introspect(tokens.subject)).active).toBe(true);
      expect(await introspect(tokens.first)).toEqual({ active: false });
      expect(await introspect(tokens.second)).toEqual({ active: false });
    });

    it("by the admin API (DELETE /admin/v1/tokens/{id}) and by revoking all of the subject client's tokens", async () => {
      const one = await chain();
      expect((await call(server, 'DELETE', `/admin/v1/tokens/${claimsOf(one.subject).gid}`)).status).toBe(204);
      await expectChainRevoked(one);
      const all = await chain();
      expect((await call(server, 'DELETE', `/admin/v1/clients/${web.clientId}/tokens`)).status).toBe(204);
      await expectChainRevoked(all);
    });

    it("when the subject's client is deactivated, or deleted", async () => {
      const deactivated = await createTestClient(server, { name: 'Web deactivated', grants: ['password'], scopes: ['read', 'write'] });
      const one = await chain(deactivated);
      expect((await call(server, 'PATCH', `/admin/v1/clients/${deactivated.clientId}`, { active: false })).status).toBe(200);
      await expectChainRevoked(one);

      const deleted = await createTestClient(server, { name: 'Web deleted', grants: ['password'], scopes: ['read', 'write'] });
      const two = await chain(deleted);
      expect((await call(server, 'DELETE', `/admin/v1/clients/${deleted.clientId}`)).status).toBe(204);
      await expectChainRevoked(two);
    });
  });
});
