import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { DocumentClients } from '../../src/client-metadata-documents/document-clients.js';
import { ClientMetadataDocuments } from '../../src/client-metadata-documents/client-metadata-documents.service.js';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, pkcePair, tokenRequest } from '../support/authorize-flow.helpers.js';
import { createScopes, sql } from '../support/token-fixtures.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1:49152/callback';
/** The fetch limit for these tests (the service's is 5 s): the slow document waits longer than this. */
const TEST_TIMEOUT_MS = 1000;

/**
 * Client ID Metadata Documents against a local document server on 127.0.0.1, allowed through
 * `clientIdMetadataDocumentHosts` (and refused without it: the SSRF case).
 */
describe('client ID metadata documents', () => {
  let server: RunningAuthServer;
  let documents: Server;
  let base: string;
  const hits = new Map<string, number>();

  function documentFor(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { client_id: `${base}${path}`, client_name: 'Agent Tool', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], scope: 'read', ...extra };
  }

  function serve(path: string, response: ServerResponse): void {
    const json = (body: unknown, headers: Record<string, string> = {}): void => void response.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    switch (path) {
      case '/good':
        return json(documentFor(path), { 'cache-control': 'max-age=300' });
      case '/agent/client.json':
        // `admin` requires a user permission: a document client never gets it.
        return json(documentFor(path, { scope: 'read admin' }), { 'cache-control': 'max-age=300' });
      case '/redirect':
        return void response.writeHead(302, { location: '/good' }).end();
      case '/big':
        return json(documentFor(path, { padding: 'x'.repeat(70_000) }));
      case '/big-streamed': {
        // No Content-Length: chunked, 8 KB at a time, beyond 64 KB.
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(8192);
        let sent = 0;
        const timer = setInterval(() => {
          if (sent++ > 10 || response.destroyed) return void (clearInterval(timer), response.end());
          response.write(chunk);
        }, 1);
        return;
      }
      case '/big-declared':
        // A Content-Length the body never reaches: refused on the header, before any body.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
        return void response.write('{');
      case '/slow':
        return void setTimeout(() => json(documentFor(path)), TEST_TIMEOUT_MS * 3).unref();
      case '/other-client':
        return json(documentFor(path, { client_id: `${base}/good` }));
      case '/not-json':
        return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
      case '/not-object':
        return json([documentFor(path)]);
      case '/other-redirect':
        return json(documentFor(path, { redirect_uris: ['https://elsewhere.example/cb'] }));
      case '/with-secret':
        return json(documentFor(path, { client_secret: 'shh', token_endpoint_auth_method: 'client_secret_basic' }));
      case '/not-found':
      default:
        return void response.writeHead(404).end();
    }
  }

  async function settings(changes: Record<string, unknown>): Promise<void> {
    const response = await server.request('/admin/v1/settings', { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: changes });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // SettingsService caches a read for 1 s.
  }

  function authorize(clientId: string, redirectUri = REDIRECT): Promise<Response> {
    return server.request(authorizePath({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'read', state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
  }

  async function refusals(clientId: string): Promise<string[]> {
    await server.app.get(AuditWriter).flush();
    const rows = await sql<{ details: { reason: string } }>(server, "SELECT details FROM audit_events WHERE action = 'client_metadata_document.refused' AND target_id = $1", [clientId]);
    return rows.map((row) => row.details.reason);
  }

  async function storedClients(clientId: string): Promise<number> {
    return (await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM clients WHERE client_id = $1', [clientId]))[0].count;
  }

  /** Refused at /oauth/authorize with an error page (never a redirect), nothing stored, audited with the reason. */
  async function expectRefused(clientId: string, reason: RegExp, redirectUri = REDIRECT): Promise<void> {
    const response = await authorize(clientId, redirectUri);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('client ID metadata document cannot be used');
    expect(await storedClients(clientId)).toBe(0);
    expect(await refusals(clientId)).toEqual([expect.stringMatching(reason)]);
    // The token endpoint refuses the same client_id as invalid_client.
    const token = await tokenRequest(server, { grant_type: 'authorization_code', code: 'x', redirect_uri: redirectUri, code_verifier: pkcePair().verifier, client_id: clientId });
    expect(token).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } });
  }

  beforeAll(async () => {
    documents = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      serve(path, response);
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;
    server = await startTestAuthServer();
    server.app.get(ClientMetadataDocuments).limits = { maxBytes: 64 * 1024, timeoutMs: TEST_TIMEOUT_MS };
    await createScopes(server, ['read', 'write']);
  });
  afterAll(async () => {
    await server.close();
    documents.closeAllConnections();
    await new Promise((resolve) => documents.close(resolve));
  });

  it('is off by default: a URL client_id is an unknown application, and the metadata says nothing', async () => {
    const response = await authorize(`${base}/good`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('unknown or disabled');
    expect(hits.get('/good')).toBeUndefined();
    const metadata = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBeUndefined();
  });

  describe('when on, with 127.0.0.1 allow-listed', () => {
    beforeAll(async () => {
      await settings({ clientIdMetadataDocuments: true, clientIdMetadataDocumentHosts: ['http://127.0.0.1:*'] });
    });

    it('advertises client_id_metadata_document_supported in both metadata documents', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        expect(((await (await server.request(path)).json()) as Record<string, unknown>).client_id_metadata_document_supported).toBe(true);
      }
    });

    it('runs the code flow with PKCE for the URL as client_id (oauth4webapi), refresh included, the document fetched once', async () => {
      const clientId = `${base}/agent/client.json`;
      const as: oauth.AuthorizationServer = { issuer: server.config.issuer, authorization_endpoint: `${server.baseUrl}/oauth/authorize`, token_endpoint: `${server.baseUrl}/oauth/token` };
      const client: oauth.Client = { client_id: clientId };
      const insecure = { [oauth.allowInsecureRequests]: true } as const;
      for (let round = 0; round < 2; round++) {
        const verifier = oauth.generateRandomCodeVerifier();
        const state = oauth.generateRandomState();
        const url = new URL(as.authorization_endpoint!);
        url.search = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'read', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
        const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, TEST_ADMIN);
        const callback = oauth.validateAuthResponse(as, client, new URL(location), state);
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, verifier, insecure));
        expect(tokens.scope).toBe('read');
        const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
        expect(refreshed.access_token).toEqual(expect.any(String));
      }
      // Cache-Control: max-age=300 — both rounds (authorize, consent, token, refresh) used one fetch.
      expect(hits.get('/agent/client.json')).toBe(1);
      const [row] = await sql<{ type: string; name: string; version: string; redirect_uris: string[] }>(server, 'SELECT type, name, version, redirect_uris FROM clients WHERE client_id = $1', [clientId]);
      expect(row).toEqual({ type: 'public', name: 'Agent Tool', version: clientId, redirect_uris: [REDIRECT] });
      const grants = await sql<{ client_id: string }>(server, 'SELECT client_id FROM grants WHERE client_id = $1', [clientId]);
      expect(grants.length).toBeGreaterThanOrEqual(2);
      const scopes = await sql<{ scope_name: string }>(server, 'SELECT cs.scope_name FROM client_scopes cs JOIN clients c ON c.id = cs.client_ref WHERE c.client_id = $1', [clientId]);
      expect(scopes.map((row) => row.scope_name)).toEqual(['read']);
      // The resource servers learn the client like any other (its tokens are admitted there).
      const events = await sql<{ payload: Record<string, unknown> }>(server, "SELECT payload FROM outbox_events WHERE kind = 'client.upserted' AND entity_id = $1", [clientId]);
      expect(events.map((row) => row.payload)).toEqual([expect.objectContaining({ clientId, type: 'public', active: true, scopes: ['read'] })]);
      await server.app.get(AuditWriter).flush();
      const accepted = await sql(server, "SELECT 1 FROM audit_events WHERE action = 'client_metadata_document.accepted' AND target_id = $1", [clientId]);
      expect(accepted).toHaveLength(1);
    });

    it('writes the row again on a later fetch only when the document changed: no new version, no event otherwise', async () => {
      const clientId = `${base}/good`;
      const documents = server.app.get(DocumentClients);
      const metadata = { name: 'Agent Tool', redirectUris: [REDIRECT], refresh: true, scopes: ['read'] };
      const version = async () => Number((await sql<{ entity_version: string }>(server, 'SELECT entity_version FROM clients WHERE client_id = $1', [clientId]))[0].entity_version);
      const eventCount = async () => (await sql(server, "SELECT 1 FROM outbox_events WHERE kind = 'client.upserted' AND entity_id = $1", [clientId])).length;
      await documents.upsert(clientId, metadata);
      const [first, events] = [await version(), await eventCount()];
      await documents.upsert(clientId, { ...metadata });
      expect(await version()).toBe(first);
      expect(await eventCount()).toBe(events);
      await documents.upsert(clientId, { ...metadata, name: 'Agent Tool 2' });
      expect(await version()).toBe(first + 1);
      expect(await eventCount()).toBe(events + 1);
      await documents.upsert(clientId, { ...metadata, name: 'Agent Tool 2', scopes: [] });
      expect(await version()).toBe(first + 2);
      expect(await eventCount()).toBe(events + 2);
    });

    it('keeps a document client an admin deactivated deactivated: the authorize page and the token endpoint refuse it', async () => {
      const clientId = `${base}/good`;
      expect((await authorize(clientId)).status).toBe(200); // the login page: resolved
      const patched = await server.request(`/admin/v1/clients/${encodeURIComponent(clientId)}`, { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { active: false } });
      expect(patched.status).toBe(200);
      const page = await authorize(clientId);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('unknown or disabled');
      const token = await tokenRequest(server, { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, code_verifier: pkcePair().verifier, client_id: clientId });
      expect(token.status).toBe(401);
      expect((await sql<{ active: boolean }>(server, 'SELECT active FROM clients WHERE client_id = $1', [clientId]))[0].active).toBe(false);
      await server.request(`/admin/v1/clients/${encodeURIComponent(clientId)}`, { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { active: true } });
    });

    it('requires PKCE of a document client (an error sent to its verified redirect URI)', async () => {
      const response = await server.request(authorizePath({ client_id: `${base}/good`, redirect_uri: REDIRECT, response_type: 'code', scope: 'read', state: 's' }));
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });

    it('refuses a document that redirects (redirects are not followed)', async () => {
      await expectRefused(`${base}/redirect`, /redirect \(302\)/);
      expect(hits.get('/good')).toBe(1); // the fetch of the PKCE case above, never the redirect's target
    });

    it('refuses a document over 64 KB: with its Content-Length, streamed without one, and announced larger', async () => {
      await expectRefused(`${base}/big`, /larger than 65536 bytes/);
      await expectRefused(`${base}/big-streamed`, /larger than 65536 bytes/);
      await expectRefused(`${base}/big-declared`, /larger than 65536 bytes/);
    });

    it('refuses a document slower than the time limit', async () => {
      await expectRefused(`${base}/slow`, new RegExp(`took longer than ${TEST_TIMEOUT_MS} ms`));
    });

    it('refuses a document that names another client_id, is not JSON, not an object, holds a secret, or answers 404', async () => {
      await expectRefused(`${base}/other-client`, /names another client_id/);
      await expectRefused(`${base}/not-json`, /is not JSON/);
      await expectRefused(`${base}/not-object`, /not a JSON object/);
      await expectRefused(`${base}/with-secret`, /must not contain a client_secret/);
      await expectRefused(`${base}/not-found`, /answered 404/);
    });

    it('refuses a redirect_uri the document does not list: an error page, never a redirect to it, nothing stored', async () => {
      const clientId = `${base}/other-redirect`;
      const response = await authorize(clientId, 'https://attacker.example/cb');
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('the redirect_uri is not one of the redirect_uris of the metadata document');
      expect(await storedClients(clientId)).toBe(0);
      expect(await refusals(clientId)).toEqual(['the redirect_uri is not one of the redirect_uris of the metadata document']);
      // The document itself is fine: a request with its own redirect URI goes on to the login page.
      expect((await authorize(clientId, 'https://elsewhere.example/cb')).status).toBe(200);
      expect(await storedClients(clientId)).toBe(1);
    });

    it('refuses client_ids that are no usable document URL: no path, fragment, credentials, dot segments', async () => {
      for (const [clientId, reason] of [
        [`${base}/`, /must have a path/],
        [`${base}/good#frag`, /must not contain a fragment/],
        [`http://user:pass@127.0.0.1:${new URL(base).port}/good`, /user name or password/],
        [`${base}/a/../good`, /dot segments/],
      ] as const) {
        await expectRefused(clientId, reason);
      }
    });
  });

  describe('SSRF: without the allow-list', () => {
    beforeAll(async () => {
      await settings({ clientIdMetadataDocuments: true, clientIdMetadataDocumentHosts: [] });
    });

    it('refuses an http URL, and https to a loopback address or a name that resolves to one, without fetching', async () => {
      const before = hits.get('/good');
      await expectRefused(`${base}/good?ssrf=1`, /must use https/);
      await expectRefused(`https://127.0.0.1:${new URL(base).port}/good`, /127\.0\.0\.1 is not a public address/);
      await expectRefused(`https://[::1]:${new URL(base).port}/good`, /::1 is not a public address/);
      await expectRefused(`https://localhost:${new URL(base).port}/good`, /localhost resolves to .* which is not a public address/);
      await expectRefused(`https://169.254.169.254/latest/meta-data`, /169\.254\.169\.254 is not a public address/);
      expect(hits.get('/good')).toBe(before);
    });
  });
});
