import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { freePort } from '#testing';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizeThroughPages, TestBrowser } from '../support/authorize-flow.helpers.js';
import { sql } from '../support/token-fixtures.js';

jest.setTimeout(90_000);

const REDIRECT = 'http://127.0.0.1/callback';

interface Registered {
  clientId: string;
  clientSecret?: string;
}

/**
 * Pushed authorization requests (RFC 9126, issue 17 item 4): POST /oauth/par with every client
 * authentication method, the request_uri used once at /oauth/authorize by the client that pushed
 * it, the per-client and global requirement; every refusal issues nothing and is audited.
 */
describe('pushed authorization requests', () => {
  let server: RunningAuthServer;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    issuer = server.config.issuer;
    as = {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
    };
    expect([201, 409]).toContain((await admin('POST', '/admin/v1/scopes', { name: 'read', description: '' })).status);
  });
  afterAll(async () => {
    await server.close();
  });

  async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  let counter = 0;
  async function createClient(fields: Record<string, unknown> = {}): Promise<Registered> {
    counter += 1;
    const created = await admin('POST', '/admin/v1/clients', {
      name: `PAR App ${counter}`,
      version: '1.0',
      type: 'confidential',
      grants: ['authorization_code'],
      redirectUris: [REDIRECT],
      ...fields,
    });
    expect(created.status).toBe(201);
    const registered = created.body as unknown as Registered;
    expect((await admin('PUT', `/admin/v1/clients/${registered.clientId}/scopes/read`)).status).toBe(204);
    return registered;
  }

  async function pushedRows(): Promise<number> {
    const [row] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM pushed_authorization_requests');
    return row.count;
  }

  async function audited(action: string, clientId: string): Promise<Record<string, unknown>[]> {
    await server.app.get(AuditWriter).flush();
    const rows = await sql<{ details: Record<string, unknown> }>(server, 'SELECT details FROM audit_events WHERE action = $1 AND target_id = $2 ORDER BY occurred_at', [action, clientId]);
    return rows.map((row) => row.details);
  }

  async function issuedTo(clientId: string): Promise<number> {
    const [row] = await sql<{ count: number }>(
      server,
      `SELECT (SELECT count(*) FROM authorization_codes a JOIN clients c ON c.id = a.client_ref WHERE c.client_id = $1)::int
            + (SELECT count(*) FROM authorization_requests r JOIN clients c ON c.id = r.client_ref WHERE c.client_id = $1)::int AS count`,
      [clientId],
    );
    return row.count;
  }

  function pkce(): Promise<{ verifier: string; challenge: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    return oauth.calculatePKCECodeChallenge(verifier).then((challenge) => ({ verifier, challenge }));
  }

  /** Basic with the client's secret, or with `secret`; null: only client_id in the form (a public client). */
  async function push(client: Registered, params: Record<string, string>, secret: string | null = client.clientSecret ?? null): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (secret !== null) headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`;
    const response = await fetch(`${issuer}/oauth/par`, { method: 'POST', headers, body: new URLSearchParams(secret === null ? { client_id: client.clientId, ...params } : params) });
    expect(response.headers.get('cache-control')).toBe('no-store');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function codeRequest(): Promise<{ params: Record<string, string>; verifier: string }> {
    const { verifier, challenge } = await pkce();
    return { verifier, params: { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' } };
  }

  function authorizePath(clientId: string, requestUri: string): string {
    return `/oauth/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;
  }

  it('runs the code flow through PAR with oauth4webapi and private_key_jwt', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
    const registered = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } });
    const client: oauth.Client = { client_id: registered.clientId };
    const auth = oauth.PrivateKeyJwt({ key: pair.privateKey, kid: 'k1' });
    const { verifier, challenge } = await pkce();
    const response = await oauth.pushedAuthorizationRequest(
      as,
      client,
      auth,
      { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', state: 'par-state', code_challenge: challenge, code_challenge_method: 'S256' },
      insecure,
    );
    expect(response.status).toBe(201);
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, response);
    expect(pushed.expires_in).toBe(60);
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const [row] = await sql<{ request_uri_hash: string }>(server, 'SELECT request_uri_hash FROM pushed_authorization_requests ORDER BY created_at DESC LIMIT 1');
    expect(row.request_uri_hash).not.toContain(pushed.request_uri.slice(-20));

    const { location } = await authorizeThroughPages(server, authorizePath(registered.clientId, pushed.request_uri), TEST_ADMIN);
    const callback = oauth.validateAuthResponse(as, client, new URL(location), 'par-state');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, callback, REDIRECT, verifier, insecure));
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });
  });

  it('runs the code flow through PAR with openid-client and client_secret_basic, and a public client with PKCE', async () => {
    const registered = await createClient();
    const config = await openid.discovery(new URL(issuer), registered.clientId, {}, openid.ClientSecretBasic(registered.clientSecret!), { execute: [openid.allowInsecureRequests] });
    expect(config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${issuer}/oauth/par`);
    const { verifier, challenge } = await pkce();
    const url = await openid.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'read', state: 'oc', code_challenge: challenge, code_challenge_method: 'S256' });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
    const tokens = await openid.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: 'oc' });
    expect(tokens.access_token).toEqual(expect.any(String));

    const publicClient = await createClient({ type: 'public', tokenEndpointAuthMethod: 'none' });
    const { params } = await codeRequest();
    const pushed = await push(publicClient, params, null);
    expect(pushed.status).toBe(201);
    const flow = await authorizeThroughPages(server, authorizePath(publicClient.clientId, pushed.body.request_uri as string), TEST_ADMIN);
    expect(new URL(flow.location).searchParams.get('code')).toEqual(expect.any(String));
  });

  describe('a request_uri', () => {
    it('works once: the second use is an error page naming invalid_request_uri, audited, with nothing issued', async () => {
      const client = await createClient();
      const { params } = await codeRequest();
      const pushed = await push(client, params);
      const path = authorizePath(client.clientId, pushed.body.request_uri as string);
      expect((await new TestBrowser(server).get(path)).status).toBe(200);
      const before = await issuedTo(client.clientId);
      const again = await new TestBrowser(server).get(path);
      expect(again.status).toBe(400);
      expect(again.headers.get('location')).toBeNull();
      expect(await again.text()).toContain('invalid_request_uri');
      expect(await issuedTo(client.clientId)).toBe(before);
      expect(await audited('par.request_uri.refused', client.clientId)).toHaveLength(1);
    });

    it('is refused for another client, and still works for its own afterwards', async () => {
      const owner = await createClient();
      const thief = await createClient();
      const { params } = await codeRequest();
      const pushed = await push(owner, params);
      const stolen = await new TestBrowser(server).get(authorizePath(thief.clientId, pushed.body.request_uri as string));
      expect(stolen.status).toBe(400);
      expect(await stolen.text()).toContain('invalid_request_uri');
      expect(await issuedTo(thief.clientId)).toBe(0);
      expect(await audited('par.request_uri.refused', thief.clientId)).toHaveLength(1);
      expect((await new TestBrowser(server).get(authorizePath(owner.clientId, pushed.body.request_uri as string))).status).toBe(200);
    });

    it('is refused once expired, and the retention job removes expired rows', async () => {
      const client = await createClient();
      const { params } = await codeRequest();
      const pushed = await push(client, params);
      await sql(server, "UPDATE pushed_authorization_requests SET expires_at = now() - interval '1 second'");
      const late = await new TestBrowser(server).get(authorizePath(client.clientId, pushed.body.request_uri as string));
      expect(late.status).toBe(400);
      expect(await late.text()).toContain('invalid_request_uri');
      expect(await issuedTo(client.clientId)).toBe(0);
      expect(await pushedRows()).toBeGreaterThan(0);
      await server.app.get(RetentionJob).runOnce();
      expect(await pushedRows()).toBe(0);
    });

    it('is refused when unknown, and uses only the pushed parameters (not those added to the URL)', async () => {
      const client = await createClient();
      const unknown = await new TestBrowser(server).get(authorizePath(client.clientId, 'urn:ietf:params:oauth:request_uri:nothing-like-it'));
      expect(unknown.status).toBe(400);
      const { params } = await codeRequest();
      const pushed = await push(client, params);
      const flow = await authorizeThroughPages(server, `${authorizePath(client.clientId, pushed.body.request_uri as string)}&state=tampered&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, TEST_ADMIN);
      const answer = new URL(flow.location);
      expect(`${answer.origin}${answer.pathname}`).toBe(REDIRECT);
      expect(answer.searchParams.get('state')).toBe('st-1');
    });
  });

  describe('the push', () => {
    // [case, change, status, error, audited as par.refused]
    const refusals: [string, Record<string, string>, number, string, boolean?][] = [
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 400, 'invalid_request'],
      ['an unknown scope', { scope: 'nope' }, 400, 'invalid_scope'],
      ['an unsupported response_type', { response_type: 'code token' }, 400, 'unsupported_response_type'],
      ['plain PKCE', { code_challenge_method: 'plain' }, 400, 'invalid_request'],
      ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 400, 'request_not_supported'],
      ['a request_uri', { request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 400, 'invalid_request'],
      // Refused by client authentication itself, before the request is read: a malformed call, not audited.
      ['another client_id', { client_id: 'someone-else' }, 400, 'invalid_request', false],
    ];

    it.each(refusals)('refuses %s, stores nothing and audits it', async (_name, change, status, error, isAudited = true) => {
      const client = await createClient();
      const { params } = await codeRequest();
      const before = await pushedRows();
      const answer = await push(client, { ...params, ...change });
      expect(answer.status).toBe(status);
      expect(answer.body.error).toBe(error);
      expect(await pushedRows()).toBe(before);
      expect((await audited('par.refused', client.clientId)).map((details) => details.error)).toEqual(isAudited ? [error] : []);
    });

    it('refuses a confidential client without authentication or with a wrong secret (401 invalid_client)', async () => {
      const client = await createClient();
      const { params } = await codeRequest();
      const before = await pushedRows();
      expect(await push(client, params, null)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(await push(client, params, 'wrong-secret')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(await pushedRows()).toBe(before);
      expect(await audited('client_authentication.failed', client.clientId)).toHaveLength(2);
    });

    it('refuses a public client without PKCE, GET, and a JSON body', async () => {
      const publicClient = await createClient({ type: 'public' });
      const noPkce = await push(publicClient, { response_type: 'code', redirect_uri: REDIRECT, scope: 'read' }, null);
      expect(noPkce).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect((await fetch(`${issuer}/oauth/par`)).status).toBe(405);
      const json = await fetch(`${issuer}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: publicClient.clientId }) });
      expect(json.status).toBe(400);
    });
  });

  describe('requiring PAR', () => {
    it('per client: a direct request is refused with invalid_request at the redirect URI, a pushed one works', async () => {
      const client = await createClient({ requirePushedAuthorizationRequests: true });
      const { params } = await codeRequest();
      const direct = await new TestBrowser(server).get(`/oauth/authorize?${new URLSearchParams({ client_id: client.clientId, ...params })}`);
      expect(direct.status).toBe(302);
      const location = new URL(direct.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('st-1');
      expect(await issuedTo(client.clientId)).toBe(0);
      const pushed = await push(client, params);
      expect((await new TestBrowser(server).get(authorizePath(client.clientId, pushed.body.request_uri as string))).status).toBe(200);
    });

    it('globally, by the setting, advertised in the metadata', async () => {
      const client = await createClient();
      const metadata = async (): Promise<Record<string, unknown>> => (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json() as Promise<Record<string, unknown>>;
      expect(await metadata()).toMatchObject({ pushed_authorization_request_endpoint: `${issuer}/oauth/par`, require_pushed_authorization_requests: false });
      expect((await admin('PATCH', '/admin/v1/settings', { requirePushedAuthorizationRequests: true })).status).toBe(200);
      try {
        expect(await metadata()).toMatchObject({ require_pushed_authorization_requests: true });
        const { params } = await codeRequest();
        const direct = await new TestBrowser(server).get(`/oauth/authorize?${new URLSearchParams({ client_id: client.clientId, ...params })}`);
        expect(new URL(direct.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
        const pushed = await push(client, params);
        expect((await new TestBrowser(server).get(authorizePath(client.clientId, pushed.body.request_uri as string))).status).toBe(200);
      } finally {
        expect((await admin('PATCH', '/admin/v1/settings', { requirePushedAuthorizationRequests: false })).status).toBe(200);
      }
    });
  });

  it('refuses the request parameter at /oauth/authorize with an error page', async () => {
    const client = await createClient();
    const page = await new TestBrowser(server).get(`/oauth/authorize?${new URLSearchParams({ client_id: client.clientId, request: 'eyJhbGciOiJub25lIn0.e30.', redirect_uri: REDIRECT })}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('request_not_supported');
  });
});
