import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import * as oauth from 'oauth4webapi';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { DynamicClientCleanupJob } from '../../src/registration/dynamic-client-cleanup.job.js';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizeThroughPages } from '../support/authorize-flow.helpers.js';
import { sql } from '../support/token-fixtures.js';

jest.setTimeout(60_000);

const REDIRECT = 'https://app.example.com/callback';
const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Dynamic client registration (RFC 7591) and management (RFC 7592) over real HTTP. */
describe('dynamic client registration', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer();
    for (const name of ['read', 'write', 'notes', 'extra1', 'extra2'])
      await sql(server, 'INSERT INTO scopes (name) VALUES ($1) ON CONFLICT DO NOTHING', [name]);
  });
  afterAll(async () => {
    await server.close();
  });

  async function call(method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const response = await server.request(path, { method, json: init.json, body: init.body, headers: init.headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const admin = (method: string, path: string, json?: unknown): Promise<Answer> =>
    call(method, path, { json, headers: { authorization: server.adminAuthorization } });
  const register = (json: unknown, headers: Record<string, string> = {}): Promise<Answer> => call('POST', '/oauth/register', { json, headers });

  async function settings(changes: Record<string, unknown>): Promise<void> {
    const answer = await admin('PATCH', '/admin/v1/settings', changes);
    expect(answer.status).toBe(200);
  }

  async function clientCount(): Promise<number> {
    const [row] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM clients');
    return row.count;
  }

  async function auditCount(action: string): Promise<number> {
    await server.app.get(AuditWriter).flush();
    const [row] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM audit_events WHERE action = $1', [action]);
    return row.count;
  }

  async function metadataDocuments(): Promise<Record<string, unknown>[]> {
    const documents = [];
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) documents.push((await call('GET', path)).body);
    return documents;
  }

  describe('off (the default)', () => {
    it('answers 404 at every registration path and lists no registration_endpoint', async () => {
      expect((await admin('GET', '/admin/v1/settings')).body).toMatchObject({
        dynamicRegistration: 'off',
        registrationPolicy: { grantTypes: ['authorization_code', 'refresh_token'], maxScopes: 10, registrationsPerIpPerHour: 20, deleteUnusedAfterDays: 30 },
      });
      const before = await clientCount();
      const refused = await register({ redirect_uris: [REDIRECT] });
      expect([refused.status, refused.body.error]).toEqual([404, 'invalid_request']);
      for (const method of ['GET', 'PUT', 'DELETE']) {
        expect((await call(method, '/oauth/register/abc', { headers: { authorization: 'Bearer x' }, json: method === 'PUT' ? {} : undefined })).status).toBe(
          404,
        );
      }
      for (const document of await metadataDocuments()) expect(document).not.toHaveProperty('registration_endpoint');
      expect(await clientCount()).toBe(before);
    });
  });

  describe('settings', () => {
    it.each([
      [{ dynamicRegistration: 'sometimes' }],
      [{ dynamicRegistration: null }],
      [{ registrationPolicy: { grantTypes: ['password'] } }],
      [{ registrationPolicy: { grantTypes: 'authorization_code' } }],
      [{ registrationPolicy: { maxScopes: -1 } }],
      [{ registrationPolicy: { maxScopes: 1.5 } }],
      [{ registrationPolicy: { registrationsPerIpPerHour: 0 } }],
      [{ registrationPolicy: { deleteUnusedAfterDays: 100000 } }],
      [{ registrationPolicy: { unknown: 1 } }],
      [{ registrationPolicy: [] }],
    ])('refuses %j with 400 naming the field', async (body) => {
      const answer = await admin('PATCH', '/admin/v1/settings', body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });

    it('patches the policy field by field', async () => {
      await settings({ registrationPolicy: { maxScopes: 3 } });
      expect((await admin('GET', '/admin/v1/settings')).body.registrationPolicy).toEqual({
        grantTypes: ['authorization_code', 'refresh_token'],
        maxScopes: 3,
        registrationsPerIpPerHour: 20,
        deleteUnusedAfterDays: 30,
      });
    });
  });

  describe('open', () => {
    beforeAll(async () => {
      await settings({
        dynamicRegistration: 'open',
        registrationPolicy: { maxScopes: 3, registrationsPerIpPerHour: 100000, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] },
      });
    });

    it('lists registration_endpoint in both metadata documents', async () => {
      for (const document of await metadataDocuments()) expect(document.registration_endpoint).toBe(`${server.config.issuer}/oauth/register`);
    });

    it('registers a public client with oauth4webapi, which then runs the code flow with PKCE', async () => {
      const as: oauth.AuthorizationServer = {
        issuer: server.config.issuer,
        authorization_endpoint: `${server.baseUrl}/oauth/authorize`,
        token_endpoint: `${server.baseUrl}/oauth/token`,
        registration_endpoint: `${server.baseUrl}/oauth/register`,
      };
      const insecure = { [oauth.allowInsecureRequests]: true } as const;
      const client = await oauth.processDynamicClientRegistrationResponse(
        await oauth.dynamicClientRegistrationRequest(
          as,
          {
            client_name: 'Agent (MCP): notes',
            redirect_uris: [LOOPBACK_REDIRECT],
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            scope: 'read notes',
          },
          insecure,
        ),
      );
      expect(client).toMatchObject({
        client_name: 'Agent (MCP): notes',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [LOOPBACK_REDIRECT],
        scope: 'notes read',
        registration_client_uri: `${server.config.issuer}/oauth/register/${client.client_id}`,
      });
      expect(client).not.toHaveProperty('client_secret');
      expect(client.registration_access_token).toEqual(expect.any(String));

      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: client.client_id,
        redirect_uri: LOOPBACK_REDIRECT,
        response_type: 'code',
        scope: 'read',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
      const callback = oauth.validateAuthResponse(as, client, new URL(location), state);
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, LOOPBACK_REDIRECT, verifier, insecure),
      );
      expect(tokens.scope).toBe('read');
      // refresh_token among the registered grant types: an unlimited refresh count.
      expect(tokens.refresh_token).toEqual(expect.any(String));

      const view = await admin('GET', `/admin/v1/clients/${client.client_id}`);
      expect(view.body).toMatchObject({
        registration: 'dynamic',
        type: 'public',
        refreshCount: { mode: 'unlimited' },
        name: 'Agent MCP notes',
        version: '1',
        scopes: ['notes', 'read'],
      });
      expect(await auditCount('client.registered')).toBeGreaterThanOrEqual(1);
    });

    it('refuses a public registered client that skips PKCE', async () => {
      const { body } = await register({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
      const answer = await call(
        'GET',
        `/oauth/authorize?${new URLSearchParams({ client_id: String(body.client_id), redirect_uri: REDIRECT, response_type: 'code', state: 's' })}`,
      );
      expect(answer.status).toBe(302);
      expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });

    it('gives a confidential client a secret (stored hashed) and no refresh without refresh_token', async () => {
      const { status, body, headers } = await register({
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'client_credentials'],
        client_name: 'Machine',
      });
      expect(status).toBe(201);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(body).toMatchObject({
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret_expires_at: 0,
        grant_types: ['authorization_code', 'client_credentials'],
      });
      const secret = String(body.client_secret);
      const [row] = await sql<{ secret_hash: string }>(server, 'SELECT secret_hash FROM clients WHERE client_id = $1', [body.client_id]);
      expect(row.secret_hash).not.toContain(secret);
      const [registration] = await sql<{ access_token_hash: string }>(
        server,
        'SELECT access_token_hash FROM client_registrations r JOIN clients c ON c.id = r.client_ref WHERE c.client_id = $1',
        [body.client_id],
      );
      expect(registration.access_token_hash).not.toBe(body.registration_access_token);
      expect((await admin('GET', `/admin/v1/clients/${String(body.client_id)}`)).body).toMatchObject({
        refreshCount: { mode: 'limited', limit: 0 },
        registration: 'dynamic',
      });
      // An ordinary client for the resource servers too: its event is in the outbox.
      const events = await sql<{ kind: string }>(server, 'SELECT kind FROM outbox_events WHERE entity_id = $1', [body.client_id]);
      expect(events.map((event) => event.kind)).toEqual(['client.upserted']);
      // Neither the secret nor the registration access token reaches the audit trail.
      await server.app.get(AuditWriter).flush();
      const trail = await sql<{ details: string }>(server, 'SELECT details::text AS details FROM audit_events');
      expect(trail.some((row) => row.details.includes(secret) || row.details.includes(String(body.registration_access_token)))).toBe(false);

      const token = await call('POST', '/oauth/token', {
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${String(body.client_id)}:${secret}`).toString('base64')}`,
        },
      });
      expect(token.status).toBe(200);
    });

    it('never fails on a taken client_name: the server picks a free version', async () => {
      expect(
        (await admin('POST', '/admin/v1/clients', { name: 'Shared Name', version: '1', type: 'confidential', grants: ['client_credentials'] })).status,
      ).toBe(201);
      const versions = [];
      for (let index = 0; index < 3; index += 1) {
        const { status, body } = await register({ client_name: 'shared name', redirect_uris: [REDIRECT] });
        expect(status).toBe(201);
        expect(body.client_name).toBe('shared name');
        versions.push((await admin('GET', `/admin/v1/clients/${String(body.client_id)}`)).body.version);
      }
      expect(versions).toEqual(['2', '3', '4']);
      const parallel = await Promise.all([1, 2, 3, 4].map(() => register({ client_name: 'Race', redirect_uris: [REDIRECT] })));
      expect(parallel.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
    });

    it('shows dynamic and admin clients in the admin list', async () => {
      const { body } = await admin('GET', '/admin/v1/clients?limit=100');
      const items = body.items as { registration: string }[];
      expect(items.some((item) => item.registration === 'dynamic')).toBe(true);
      expect(items.some((item) => item.registration === 'admin')).toBe(true);
    });

    const refusals: [string, unknown, string][] = [
      ['a body that is not an object', [], 'invalid_client_metadata'],
      ['redirect_uris not an array', { redirect_uris: REDIRECT }, 'invalid_redirect_uri'],
      ['redirect_uris with a number', { redirect_uris: [42] }, 'invalid_redirect_uri'],
      ['no redirect_uris for the code grant', {}, 'invalid_redirect_uri'],
      ['empty redirect_uris', { redirect_uris: [] }, 'invalid_redirect_uri'],
      ['a redirect URI with a fragment', { redirect_uris: ['https://app.example.com/cb#frag'] }, 'invalid_redirect_uri'],
      ['http off loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
      ['javascript:', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      ['JaVaScRiPt:', { redirect_uris: ['JaVaScRiPt:alert(1)'] }, 'invalid_redirect_uri'],
      ['data:', { redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri'],
      ['a private-use scheme', { redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' }, 'invalid_redirect_uri'],
      ['a wildcard', { redirect_uris: ['https://*.example.com/cb'] }, 'invalid_redirect_uri'],
      ['user information', { redirect_uris: ['https://user@app.example.com/cb'] }, 'invalid_redirect_uri'],
      ['a relative redirect URI', { redirect_uris: ['/cb'] }, 'invalid_redirect_uri'],
      ['a repeated redirect URI', { redirect_uris: [REDIRECT, REDIRECT] }, 'invalid_redirect_uri'],
      ['token_endpoint_auth_method unknown', { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      ['token_endpoint_auth_method a number', { redirect_uris: [REDIRECT], token_endpoint_auth_method: 1 }, 'invalid_client_metadata'],
      ['grant_types a string', { redirect_uris: [REDIRECT], grant_types: 'authorization_code' }, 'invalid_client_metadata'],
      ['grant_types empty', { redirect_uris: [REDIRECT], grant_types: [] }, 'invalid_client_metadata'],
      ['an unknown grant type', { redirect_uris: [REDIRECT], grant_types: ['urn:example:magic'] }, 'invalid_client_metadata'],
      ['password (outside the policy)', { redirect_uris: [REDIRECT], grant_types: ['password'] }, 'invalid_client_metadata'],
      [
        'implicit (outside this policy)',
        { redirect_uris: [REDIRECT], grant_types: ['implicit'], token_endpoint_auth_method: 'none' },
        'invalid_client_metadata',
      ],
      ['refresh_token alone', { redirect_uris: [REDIRECT], grant_types: ['refresh_token'] }, 'invalid_client_metadata'],
      ['client_credentials for a public client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
      ['response_types not matching', { redirect_uris: [REDIRECT], response_types: ['token'] }, 'invalid_client_metadata'],
      ['response_types unknown', { redirect_uris: [REDIRECT], response_types: ['code id_token'] }, 'invalid_client_metadata'],
      ['response_types a string', { redirect_uris: [REDIRECT], response_types: 'code' }, 'invalid_client_metadata'],
      ['client_name a number', { redirect_uris: [REDIRECT], client_name: 7 }, 'invalid_client_metadata'],
      ['client_name empty', { redirect_uris: [REDIRECT], client_name: '' }, 'invalid_client_metadata'],
      ['client_name too long', { redirect_uris: [REDIRECT], client_name: 'x'.repeat(256) }, 'invalid_client_metadata'],
      ['client_name with a control character', { redirect_uris: [REDIRECT], client_name: 'a\nb' }, 'invalid_client_metadata'],
      ['client_uri javascript:', { redirect_uris: [REDIRECT], client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
      ['logo_uri http off loopback', { redirect_uris: [REDIRECT], logo_uri: 'http://cdn.example.com/logo.png' }, 'invalid_client_metadata'],
      ['tos_uri an object', { redirect_uris: [REDIRECT], tos_uri: {} }, 'invalid_client_metadata'],
      ['policy_uri relative', { redirect_uris: [REDIRECT], policy_uri: 'policy.html' }, 'invalid_client_metadata'],
      ['jwks_uri a number', { redirect_uris: [REDIRECT], jwks_uri: 1 }, 'invalid_client_metadata'],
      ['jwks without keys', { redirect_uris: [REDIRECT], jwks: { kty: 'EC' } }, 'invalid_client_metadata'],
      ['jwks and jwks_uri together', { redirect_uris: [REDIRECT], jwks: { keys: [] }, jwks_uri: 'https://app.example.com/jwks' }, 'invalid_client_metadata'],
      ['contacts a string', { redirect_uris: [REDIRECT], contacts: 'ops@example.com' }, 'invalid_client_metadata'],
      ['contacts with a number', { redirect_uris: [REDIRECT], contacts: [1] }, 'invalid_client_metadata'],
      ['scope an array', { redirect_uris: [REDIRECT], scope: ['read'] }, 'invalid_client_metadata'],
      ['scope outside the grammar', { redirect_uris: [REDIRECT], scope: 'read "quoted"' }, 'invalid_client_metadata'],
      ['an unknown scope', { redirect_uris: [REDIRECT], scope: 'read nonexistent' }, 'invalid_client_metadata'],
      ['more scopes than the policy allows', { redirect_uris: [REDIRECT], scope: 'read write notes extra1' }, 'invalid_client_metadata'],
      ['a privileged scope', { redirect_uris: [REDIRECT], scope: 'admin' }, 'invalid_client_metadata'],
      ['software_id a number', { redirect_uris: [REDIRECT], software_id: 1 }, 'invalid_client_metadata'],
      ['software_version an array', { redirect_uris: [REDIRECT], software_version: ['1'] }, 'invalid_client_metadata'],
      ['id_token_signed_response_alg none', { redirect_uris: [REDIRECT], id_token_signed_response_alg: 'none' }, 'invalid_client_metadata'],
      [
        'post_logout_redirect_uris with a fragment',
        { redirect_uris: [REDIRECT], post_logout_redirect_uris: ['https://app.example.com/#x'] },
        'invalid_client_metadata',
      ],
      [
        'metadata over 64 KB',
        {
          redirect_uris: [REDIRECT],
          contacts: Array.from({ length: 10 }, () => 'x'.repeat(250)),
          software_id: 'y'.repeat(200),
          jwks: { keys: Array.from({ length: 10 }, () => ({ kty: 'RSA', n: 'z'.repeat(7000) })) },
        },
        'invalid_client_metadata',
      ],
    ];

    it.each(refusals)('refuses %s with 400 %s, stores nothing and audits it', async (_name, body, error) => {
      const before = { clients: await clientCount(), refused: await auditCount('client.registration.refused') };
      const answer = await register(body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe(error);
      expect(answer.body.error_description).toEqual(expect.any(String));
      expect(await clientCount()).toBe(before.clients);
      expect(await auditCount('client.registration.refused')).toBe(before.refused + 1);
    });

    it('answers random metadata with 201 or 400, never a 500, and stores a client only with a 201', async () => {
      const values: unknown[] = [
        null,
        0,
        -1,
        1.5,
        true,
        '',
        'x',
        '\u0000',
        'a'.repeat(300),
        [],
        [1],
        [null],
        ['x'],
        [REDIRECT],
        [LOOPBACK_REDIRECT],
        ['javascript:x'],
        {},
        { keys: [] },
        { keys: [{ kty: 'EC' }] },
        'none',
        'client_secret_post',
        ['authorization_code'],
        ['code'],
        ['authorization_code', 'refresh_token'],
        ['client_credentials'],
        'read',
        'read write',
        'RS256',
        'https://app.example.com',
        'http://127.0.0.1',
        'com.example:/cb',
        ['ops@example.com'],
      ];
      const fields = [
        'redirect_uris',
        'token_endpoint_auth_method',
        'grant_types',
        'response_types',
        'client_name',
        'client_uri',
        'logo_uri',
        'scope',
        'contacts',
        'tos_uri',
        'policy_uri',
        'jwks_uri',
        'jwks',
        'software_id',
        'software_version',
        'id_token_signed_response_alg',
        'post_logout_redirect_uris',
        'client_id',
        'software_statement',
      ];
      // A fixed seed: a failure shows again on the next run.
      let seed = 16;
      const next = (below: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % below);
      const before = await clientCount();
      let created = 0;
      for (let index = 0; index < 150; index += 1) {
        const body: Record<string, unknown> = {};
        for (const field of fields) if (next(3) === 0) body[field] = values[next(values.length)];
        if (next(2) === 0) body.redirect_uris = [REDIRECT];
        const answer = await register(body);
        expect([201, 400]).toContain(answer.status);
        expect(answer.body.error ?? 'none').toMatch(/^(none|invalid_redirect_uri|invalid_client_metadata|invalid_request)$/);
        if (answer.status === 201) created += 1;
      }
      expect(await clientCount()).toBe(before + created);
      expect(created).toBeGreaterThan(0);
    });

    it('ignores unknown members and admin fields (no mass assignment, AD-7)', async () => {
      const { status, body } = await register({
        redirect_uris: [REDIRECT],
        introspection: true,
        active: false,
        refreshCount: { mode: 'unlimited' },
        registration: 'admin',
        client_id: 'chosen',
        extra: 1,
      });
      expect(status).toBe(201);
      expect(body.client_id).not.toBe('chosen');
      expect(body).not.toHaveProperty('extra');
      expect((await admin('GET', `/admin/v1/clients/${String(body.client_id)}`)).body).toMatchObject({
        introspection: false,
        active: true,
        refreshCount: { mode: 'limited', limit: 0 },
        registration: 'dynamic',
      });
    });

    it.each([
      ['text/plain', 'text/plain', JSON.stringify({ redirect_uris: [REDIRECT] })],
      ['a form', 'application/x-www-form-urlencoded', `redirect_uris=${encodeURIComponent(REDIRECT)}`],
      ['malformed JSON', 'application/json', '{"redirect_uris": ['],
    ])('refuses %s with 400 invalid_request, stores nothing and audits it once', async (_name, type, body) => {
      const before = { clients: await clientCount(), refused: await auditCount('client.registration.refused') };
      const answer = await call('POST', '/oauth/register', { body, headers: { 'content-type': type } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_request');
      expect(await clientCount()).toBe(before.clients);
      expect(await auditCount('client.registration.refused')).toBe(before.refused + 1);
    });

    it('refuses an unknown media type and a body over the server limit, storing nothing, auditing both', async () => {
      const before = await clientCount();
      const refused = await auditCount('client.registration.refused');
      const xml = await call('POST', '/oauth/register', { body: '<client/>', headers: { 'content-type': 'application/xml' } });
      expect(xml.status).toBeGreaterThanOrEqual(400);
      expect(xml.status).toBeLessThan(500);
      expect(xml.body.error).toBe('invalid_request');
      const huge = await register({ redirect_uris: [REDIRECT], client_uri: `https://app.example.com/${'a'.repeat(300 * 1024)}` });
      expect(huge.status).toBe(400);
      expect(huge.body.error).toBe('invalid_request');
      expect(await clientCount()).toBe(before);
      expect(await auditCount('client.registration.refused')).toBe(refused + 2);
    });

    // Node's HTTP server refuses a repeated Content-Type with a bare 400 before any route runs.
    it('refuses two Content-Type headers', async () => {
      const before = await clientCount();
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = httpRequest(
          `${server.baseUrl}/oauth/register`,
          {
            method: 'POST',
            headers: [
              ['content-type', 'application/json'],
              ['content-type', 'text/plain'],
            ].flat() as unknown as Record<string, string>,
          },
          (incoming) => {
            let text = '';
            incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
            incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
          },
        );
        outgoing.on('error', reject);
        outgoing.end(JSON.stringify({ redirect_uris: [REDIRECT] }));
      });
      expect(answer.status).toBe(400);
      expect(await clientCount()).toBe(before);
    });

    it('answers 405 for methods the endpoint does not serve', async () => {
      expect((await call('GET', '/oauth/register')).status).toBe(405);
      expect((await call('PATCH', '/oauth/register/x', { json: {} })).status).toBe(405);
    });

    describe('management (RFC 7592)', () => {
      let client: Record<string, unknown>;
      let token: string;
      const path = (): string => `/oauth/register/${String(client.client_id)}`;
      const bearer = (value: string): Record<string, string> => ({ authorization: `Bearer ${value}` });

      beforeEach(async () => {
        const answer = await register({ redirect_uris: [REDIRECT], client_name: 'Managed', scope: 'read', client_uri: 'https://app.example.com' });
        expect(answer.status).toBe(201);
        client = answer.body;
        token = String(client.registration_access_token);
      });

      it('reads the registration with its token, without the token or secret', async () => {
        const answer = await call('GET', path(), { headers: bearer(token) });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          client_id: client.client_id,
          client_name: 'Managed',
          scope: 'read',
          client_uri: 'https://app.example.com',
          registration_client_uri: client.registration_client_uri,
        });
        expect(answer.body).not.toHaveProperty('registration_access_token');
        expect(answer.body).not.toHaveProperty('client_secret');
      });

      it("refuses a missing, wrong or another client's token with 401 and a Bearer challenge", async () => {
        const other = await register({ redirect_uris: [REDIRECT] });
        const before = await auditCount('client.registration.refused');
        const missing = await call('GET', path());
        expect(missing.status).toBe(401);
        expect(missing.headers.get('www-authenticate')).toBe('Bearer');
        for (const presented of [String(other.body.registration_access_token), 'A'.repeat(43), 'garbage']) {
          for (const method of ['GET', 'PUT', 'DELETE']) {
            const answer = await call(method, path(), {
              headers: bearer(presented),
              json: method === 'PUT' ? { client_id: client.client_id, redirect_uris: ['https://evil.example.com/cb'] } : undefined,
            });
            expect(answer.status).toBe(401);
            expect(answer.body.error).toBe('invalid_token');
            expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
          }
        }
        // The other client's own path with its own token still works: the refusal was about the pairing.
        expect(
          (await call('GET', `/oauth/register/${String(other.body.client_id)}`, { headers: bearer(String(other.body.registration_access_token)) })).status,
        ).toBe(200);
        expect((await admin('GET', `/admin/v1/clients/${String(client.client_id)}`)).body.redirectUris).toEqual([REDIRECT]);
        expect(await auditCount('client.registration.refused')).toBe(before + 10);
      });

      it('replaces the metadata on PUT and rotates the token', async () => {
        const answer = await call('PUT', path(), {
          headers: bearer(token),
          json: {
            client_id: client.client_id,
            client_name: 'Managed',
            redirect_uris: ['https://app.example.com/new'],
            grant_types: ['authorization_code', 'refresh_token'],
            scope: 'read write',
          },
        });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          redirect_uris: ['https://app.example.com/new'],
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'read write',
          client_name: 'Managed',
        });
        expect(answer.body).not.toHaveProperty('client_uri');
        const rotated = String(answer.body.registration_access_token);
        expect(rotated).not.toBe(token);
        expect((await call('GET', path(), { headers: bearer(token) })).status).toBe(401);
        expect((await call('GET', path(), { headers: bearer(rotated) })).status).toBe(200);
        expect((await admin('GET', `/admin/v1/clients/${String(client.client_id)}`)).body).toMatchObject({
          refreshCount: { mode: 'unlimited' },
          scopes: ['read', 'write'],
          redirectUris: ['https://app.example.com/new'],
        });
        expect(await auditCount('client.registration.updated')).toBeGreaterThanOrEqual(1);
      });

      it('lets only one of two concurrent PUTs with the same token win', async () => {
        const put = (): Promise<Answer> => call('PUT', path(), { headers: bearer(token), json: { client_id: client.client_id, redirect_uris: [REDIRECT] } });
        const answers = await Promise.all([put(), put()]);
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      });

      it.each([
        ['without client_id', (id: unknown) => ({ redirect_uris: [REDIRECT], client_id: undefined, id }), 'invalid_request'],
        ['with another client_id', () => ({ client_id: 'someone-else', redirect_uris: [REDIRECT] }), 'invalid_request'],
        ['with a wrong client_secret', (id: unknown) => ({ client_id: id, client_secret: 'wrong', redirect_uris: [REDIRECT] }), 'invalid_request'],
        ['renaming the client', (id: unknown) => ({ client_id: id, client_name: 'Renamed', redirect_uris: [REDIRECT] }), 'invalid_client_metadata'],
        ['with a fragment redirect URI', (id: unknown) => ({ client_id: id, redirect_uris: ['https://app.example.com/#f'] }), 'invalid_redirect_uri'],
      ])('refuses a PUT %s, keeps the client and the token', async (_name, body, error) => {
        const answer = await call('PUT', path(), { headers: bearer(token), json: body(client.client_id) });
        expect(answer.status).toBe(400);
        expect(answer.body.error).toBe(error);
        expect((await call('GET', path(), { headers: bearer(token) })).body).toMatchObject({ redirect_uris: [REDIRECT], scope: 'read' });
      });

      it('deletes the client with DELETE; the token is dead afterwards', async () => {
        const answer = await call('DELETE', path(), { headers: bearer(token) });
        expect(answer.status).toBe(204);
        expect((await admin('GET', `/admin/v1/clients/${String(client.client_id)}`)).status).toBe(404);
        expect((await call('GET', path(), { headers: bearer(token) })).status).toBe(401);
        expect(await auditCount('client.registration.deleted')).toBeGreaterThanOrEqual(1);
      });

      it('cannot bring a deactivated client back through its registration token', async () => {
        expect((await admin('PATCH', `/admin/v1/clients/${String(client.client_id)}`, { active: false })).status).toBe(200);
        expect((await call('PUT', path(), { headers: bearer(token), json: { client_id: client.client_id, redirect_uris: [REDIRECT] } })).status).toBe(401);
        expect((await call('DELETE', path(), { headers: bearer(token) })).status).toBe(401);
        expect((await admin('GET', `/admin/v1/clients/${String(client.client_id)}`)).body.active).toBe(false);
      });
    });

    it('limits registrations per IP and hour with 429 and Retry-After', async () => {
      await settings({ registrationPolicy: { registrationsPerIpPerHour: 3 } });
      try {
        const statuses: number[] = [];
        let retryAfter: string | string[] | undefined;
        for (let index = 0; index < 5; index += 1) {
          const answer = await requestFromJson('127.0.0.23', { redirect_uris: [REDIRECT] });
          statuses.push(answer.status);
          if (answer.status === 429) retryAfter = answer.headers['retry-after'];
        }
        expect(statuses).toEqual([201, 201, 201, 429, 429]);
        expect(Number(retryAfter)).toBeGreaterThan(0);
        expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
        // Another address is counted on its own.
        expect((await requestFromJson('127.0.0.24', { redirect_uris: [REDIRECT] })).status).toBe(201);
      } finally {
        await settings({ registrationPolicy: { registrationsPerIpPerHour: 100000 } });
      }
    });

    it('removes dynamic clients unused for deleteUnusedAfterDays, and keeps used and admin ones', async () => {
      const unused = (await register({ redirect_uris: [REDIRECT], client_name: 'Idle' })).body;
      const used = (await register({ redirect_uris: [REDIRECT], grant_types: ['client_credentials'], client_name: 'Busy' })).body;
      const adminMade = await admin('POST', '/admin/v1/clients', {
        name: 'Old admin client',
        version: '1',
        type: 'confidential',
        grants: ['client_credentials'],
      });
      const ids = [unused.client_id, used.client_id, adminMade.body.clientId];
      await sql(
        server,
        `UPDATE clients SET updated_at = now() - interval '40 days', created_at = now() - interval '40 days' WHERE client_id = ANY($1::text[])`,
        [ids],
      );
      const token = await call('POST', '/oauth/token', {
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${String(used.client_id)}:${String(used.client_secret)}`).toString('base64')}`,
        },
      });
      expect(token.status).toBe(200);

      const removed = await server.app.get(DynamicClientCleanupJob).runOnce();
      expect(removed).toContain(unused.client_id);
      expect(removed).not.toContain(used.client_id);
      expect((await admin('GET', `/admin/v1/clients/${String(unused.client_id)}`)).status).toBe(404);
      expect((await admin('GET', `/admin/v1/clients/${String(used.client_id)}`)).status).toBe(200);
      expect((await admin('GET', `/admin/v1/clients/${String(adminMade.body.clientId)}`)).status).toBe(200);
      const [event] = await sql<{ kind: string }>(server, 'SELECT kind FROM outbox_events WHERE entity_id = $1 ORDER BY seq DESC LIMIT 1', [unused.client_id]);
      expect(event.kind).toBe('client.deleted');
    });

    it('runs the cleanup on one instance at a time (the lease)', async () => {
      await sql(
        server,
        "INSERT INTO maintenance_leases (name, holder, expires_at) VALUES ('dynamic-client-cleanup', 'another-instance', now() + interval '1 minute')",
      );
      try {
        expect(await server.app.get(DynamicClientCleanupJob).runOnce()).toBeNull();
      } finally {
        await sql(server, "DELETE FROM maintenance_leases WHERE name = 'dynamic-client-cleanup'");
      }
    });
  });

  describe('initial-access-token', () => {
    beforeAll(async () => {
      await settings({ dynamicRegistration: 'initial-access-token' });
    });

    async function initialAccessToken(body: Record<string, unknown>): Promise<Answer> {
      return admin('POST', '/admin/v1/initial-access-tokens', body);
    }

    it.each([
      [{}],
      [{ expiresInSeconds: 0, maxUses: 1 }],
      [{ expiresInSeconds: 60, maxUses: 0 }],
      [{ expiresInSeconds: '60', maxUses: 1 }],
      [{ expiresInSeconds: 60, maxUses: 1, extra: true }],
    ])('refuses to issue one for %j', async (body) => {
      expect((await initialAccessToken(body)).status).toBe(400);
    });

    it('needs the admin API credentials to issue one', async () => {
      expect((await call('POST', '/admin/v1/initial-access-tokens', { json: { expiresInSeconds: 60, maxUses: 1 } })).status).toBe(401);
    });

    it('registers with a token until its uses are spent; the token is stored hashed', async () => {
      const issued = await initialAccessToken({ expiresInSeconds: 600, maxUses: 2 });
      expect(issued.status).toBe(201);
      expect(issued.body).toMatchObject({ token: expect.any(String), expiresAt: expect.any(String), maxUses: 2 });
      const [row] = await sql<{ token_hash: string }>(server, 'SELECT token_hash FROM initial_access_tokens WHERE id = $1', [issued.body.id]);
      expect(row.token_hash).not.toBe(issued.body.token);
      await server.app.get(AuditWriter).flush();
      const [created] = await sql<{ details: string }>(
        server,
        "SELECT details::text AS details FROM audit_events WHERE action = 'initial_access_token.created' ORDER BY occurred_at DESC LIMIT 1",
      );
      expect(created.details).not.toContain(String(issued.body.token));
      const headers = { authorization: `Bearer ${String(issued.body.token)}` };
      const answers = await Promise.all([1, 2, 3].map(() => register({ redirect_uris: [REDIRECT] }, headers)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 401]);
      expect((await register({ redirect_uris: [REDIRECT] }, headers)).status).toBe(401);
    });

    it('does not spend a use on a refused registration', async () => {
      const issued = await initialAccessToken({ expiresInSeconds: 600, maxUses: 1 });
      const headers = { authorization: `Bearer ${String(issued.body.token)}` };
      expect((await register({ redirect_uris: ['http://evil.example.com/cb'] }, headers)).status).toBe(400);
      expect((await register({ redirect_uris: [REDIRECT] }, headers)).status).toBe(201);
    });

    it('refuses no token, a wrong one and an expired one with 401 and a Bearer challenge, storing nothing', async () => {
      const expired = await initialAccessToken({ expiresInSeconds: 60, maxUses: 5 });
      await sql(server, "UPDATE initial_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.body.id]);
      const before = { clients: await clientCount(), refused: await auditCount('client.registration.refused') };
      const none = await register({ redirect_uris: [REDIRECT] });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      for (const presented of ['A'.repeat(43), String(expired.body.token)]) {
        const answer = await register({ redirect_uris: [REDIRECT] }, { authorization: `Bearer ${presented}` });
        expect(answer.status).toBe(401);
        expect(answer.body.error).toBe('invalid_token');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      }
      expect(await clientCount()).toBe(before.clients);
      expect(await auditCount('client.registration.refused')).toBe(before.refused + 3);
    });
  });

  function requestFromJson(address: string, json: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        `${server.baseUrl}/oauth/register`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, localAddress: address, agent: false },
        (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(JSON.stringify(json));
    });
  }
});
