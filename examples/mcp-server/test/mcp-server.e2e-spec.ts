import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RegistryProjection } from '@portcullis/nest-resource-guard';
import { createTestDatabase, eventually, freePort, TEST_RESOURCE_CLIENT, type TestDatabase } from '#testing';
import type { RunningAuthServer } from '../../../apps/auth-server/test/support/auth-server-harness.js';
import { authorizeThroughPages, createTestClient } from '../../../apps/auth-server/test/support/authorize-flow.helpers.js';
import { adminOk, createStackClient, type StackClient } from '../../../apps/auth-server/test/support/test-clients.js';
import { startStackAuthServer } from '../../../test/support/stack-harness.js';
import { createMcpApp } from '../src/app.js';
import { connectWithOAuth } from '../src/connect.js';
import { codeFromCallback } from '../src/loopback-callback.js';
import { MCP_SCOPE } from '../src/mcp-server.js';
import { InMemoryOAuthClient } from '../src/oauth-client.js';

const redisUrl = process.env.TEST_REDIS_URL;
const USER = { username: 'ada', password: 'ada-password-for-mcp' };

/** Every request the SDK makes (the MCP calls and its OAuth calls alike), to check the steps it took. */
interface SeenRequest {
  method: string;
  url: URL;
  body?: string;
}

/** A client_credentials token for `resource` (RFC 8707): its audience. */
async function tokenFor(as: RunningAuthServer, client: StackClient, resource: string): Promise<string> {
  const response = await as.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

/**
 * examples/mcp-server, protected by @portcullis/nest-resource-guard, reached by the official MCP
 * SDK's client with its own OAuth (client/auth.js): RFC 9728 discovery from the 401, the auth
 * server's RFC 8414 metadata, the client's registration, the authorization request with PKCE
 * (S256) and the resource indicator (RFC 8707), the code exchange, and tool calls with the token.
 * Only the user's part (login and consent pages) is driven by the test, as a browser would.
 */
describe('examples/mcp-server: the MCP SDK client authorizes against Portcullis by itself', () => {
  const syncStream = `portcullis:test:mcp-server:${randomBytes(6).toString('hex')}`;
  let as: RunningAuthServer;
  let mcp: { app: NestFastifyApplication; database: TestDatabase };
  /** The MCP server's resource identifier: its origin, which its tokens' `aud` must name. */
  let mcpUrl: string;

  beforeAll(async () => {
    mcpUrl = `http://127.0.0.1:${await freePort()}`;
    as = await startStackAuthServer(redisUrl ? { redisUrl, syncStream } : {});
    await adminOk(as, 'POST', '/admin/v1/users', USER);
    // The MCP server is a resource (RFC 8707) owning its scope: a token asked for it carries aud = its URL.
    await adminOk(as, 'POST', '/admin/v1/scopes', { name: MCP_SCOPE, description: 'Use the MCP tools' });
    await adminOk(as, 'POST', '/admin/v1/resources', { identifier: mcpUrl, name: 'MCP example', scopes: [MCP_SCOPE] });
    // Agents register themselves (RFC 7591), under the default registration policy.
    await adminOk(as, 'PATCH', '/admin/v1/settings', { dynamicRegistration: 'open' });

    const database = await createTestDatabase();
    const app = await createMcpApp({
      issuer: as.baseUrl,
      audience: mcpUrl,
      databaseUrl: database.url,
      client: TEST_RESOURCE_CLIENT,
      ...(redisUrl ? { redisUrl, syncStream } : { snapshotPollMs: 1000 }),
    });
    mcp = { app, database };
    await app.listen(Number(new URL(mcpUrl).port), '127.0.0.1');
    // 503 (fail closed) until the registry snapshot is loaded, then a bad token is a 401.
    await eventually(async () => (await postMcp('not.a.token')).status === 401, 20_000, 'the registry snapshot to load');
  }, 120_000);

  afterAll(async () => {
    await mcp?.app.close();
    await mcp?.database.drop();
    await as?.close();
  });

  function postMcp(token?: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    return fetch(`${mcpUrl}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
  }

  /** The user's browser: signs in, answers the consent page, and follows the redirect back to the client's loopback callback. */
  async function userAgent(authorizationUrl: URL, redirectUrl: string, decision: 'allow' | 'deny', user = USER): Promise<string> {
    // The client registered a moment ago: its first call must find it in the MCP server's registry
    // (events, or the snapshot reloaded every second here), the guard refusing an unknown client,
    // and with the scope associated: a token's scope counts only while the registry associates it
    // with the client (the association is an event of its own, after the client's).
    const clientId = authorizationUrl.searchParams.get('client_id')!;
    if (decision === 'allow') {
      const associated = async () => mcp.app.get(RegistryProjection).client(clientId)?.scopes.has(MCP_SCOPE) === true;
      await eventually(associated, 15_000, 'the registered client and its scope to reach the MCP server');
    }
    const browsing = authorizeThroughPages(as, `${authorizationUrl.pathname}${authorizationUrl.search}`, user, decision).then(({ location }) => fetch(location));
    const [code] = await Promise.all([codeFromCallback(redirectUrl), browsing]);
    return code;
  }

  it('answers 401 naming its RFC 9728 document, which names Portcullis and the one scope to ask for', async () => {
    const refused = await postMcp();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${mcpUrl}/.well-known/oauth-protected-resource"`);

    const metadata = (await (await fetch(`${mcpUrl}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: mcpUrl, authorization_servers: [as.baseUrl], scopes_supported: [MCP_SCOPE], bearer_methods_supported: ['header'] });
  });

  it('answers 403 naming the scope to a token without it', async () => {
    const other = await createStackClient(as, 'Not An Agent', ['notes.read']);
    const token = await tokenFor(as, other, mcpUrl);
    await eventually(async () => (await postMcp(token)).status !== 401, 15_000, 'the new client to reach the registry');
    const refused = await postMcp(token);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer error="insufficient_scope", scope="${MCP_SCOPE}"`);
  });

  it('answers bad requests from an admitted caller with 4xx, never a 5xx', async () => {
    const agent = await createStackClient(as, 'Scripted Agent', [MCP_SCOPE]);
    const token = await tokenFor(as, agent, mcpUrl);
    await eventually(async () => (await postMcp(token)).status === 200, 15_000, 'the new client to reach the registry');
    const send = (init: RequestInit) => fetch(`${mcpUrl}/mcp`, { method: 'POST', ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
    const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await send({ headers: json, body: '{"jsonrpc": "2.0", ' })).status).toBe(400);
    expect((await send({ headers: json, body: JSON.stringify({ not: 'json-rpc' }) })).status).toBe(400);
    expect((await send({ headers: { ...json, accept: 'text/html' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) })).status).toBe(406);
    expect((await send({ headers: { ...json, 'content-type': 'text/plain' }, body: 'tools/list' })).status).toBe(415);
    for (const method of ['GET', 'DELETE']) {
      const refused = await fetch(`${mcpUrl}/mcp`, { method, headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('POST');
    }
  });

  it('discovery, dynamic registration, authorization with PKCE and the resource, the code exchange, then tool calls', async () => {
    const seen: SeenRequest[] = [];
    const recordingFetch = (url: string | URL, init?: RequestInit): Promise<Response> => {
      seen.push({ method: init?.method ?? 'GET', url: new URL(url), body: init?.body instanceof URLSearchParams ? init.body.toString() : typeof init?.body === 'string' ? init.body : undefined });
      return fetch(url, init);
    };
    const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
    // No client information: the SDK registers these metadata at the registration_endpoint.
    const oauth = new InMemoryOAuthClient(redirectUrl, { client_name: 'MCP Agent', redirect_uris: [redirectUrl], token_endpoint_auth_method: 'none' });
    // The user agent: signs in, consents, and follows the redirect to the client's loopback callback.
    const browser = (authorizationUrl: URL) => userAgent(authorizationUrl, redirectUrl, 'allow');

    const agent = await connectWithOAuth(new URL(`${mcpUrl}/mcp`), oauth, browser, recordingFetch);
    try {
      // What the SDK did: the refused call, discovery, registration, (the browser's part), the code exchange, the call again.
      expect(seen.slice(0, 6).map(({ method, url }) => `${method} ${url.href}`)).toEqual([
        `POST ${mcpUrl}/mcp`,
        `GET ${mcpUrl}/.well-known/oauth-protected-resource`,
        `GET ${as.baseUrl}/.well-known/oauth-authorization-server`,
        `POST ${as.baseUrl}/oauth/register`,
        `POST ${as.baseUrl}/oauth/token`,
        `POST ${mcpUrl}/mcp`,
      ]);
      const clientId = oauth.clientInformation()!.client_id;
      expect(JSON.parse(seen[3].body!)).toMatchObject({ client_name: 'MCP Agent', redirect_uris: [redirectUrl], token_endpoint_auth_method: 'none', scope: MCP_SCOPE });
      const authorization = oauth.authorizationUrl!;
      expect(`${authorization.origin}${authorization.pathname}`).toBe(`${as.baseUrl}/oauth/authorize`);
      expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUrl,
        code_challenge_method: 'S256',
        code_challenge: expect.stringMatching(/^[\w-]{43}$/),
        scope: MCP_SCOPE,
        resource: mcpUrl,
      });
      expect(Object.fromEntries(new URLSearchParams(seen[4].body))).toEqual({
        grant_type: 'authorization_code',
        code: expect.any(String),
        code_verifier: expect.stringMatching(/^[\w.~-]{43,128}$/),
        redirect_uri: redirectUrl,
        resource: mcpUrl,
        client_id: clientId,
      });
      expect(claimsOf(oauth.tokens()!.access_token)).toMatchObject({ iss: as.config.issuer, aud: mcpUrl, sub: USER.username, client_id: clientId, scope: MCP_SCOPE });

      // The tools answer, and see who called.
      const { tools } = await agent.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'whoami']);
      expect((await agent.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).structuredContent).toEqual({ sum: 42 });
      expect((await agent.callTool({ name: 'whoami' })).structuredContent).toEqual({ subject: USER.username, clientId, scopes: [MCP_SCOPE] });
      // A bad argument is the tool's error, not a transport failure.
      expect(await agent.callTool({ name: 'add', arguments: { a: 'two', b: 40 } })).toMatchObject({ isError: true });
    } finally {
      await agent.close();
    }
  });

  it('a client registered beforehand (clientInformation) skips the registration, and is admitted the same way', async () => {
    const preRegistered = await createTestClient(as, { type: 'public', name: 'Preregistered MCP Agent', redirectUris: ['http://127.0.0.1/callback'], scopes: [MCP_SCOPE] });
    const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
    const seen: string[] = [];
    const recordingFetch = (url: string | URL, init?: RequestInit): Promise<Response> => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
      return fetch(url, init);
    };
    const oauth = new InMemoryOAuthClient(redirectUrl, { redirect_uris: [redirectUrl], token_endpoint_auth_method: 'none' }, { client_id: preRegistered.clientId });
    const agent = await connectWithOAuth(new URL(`${mcpUrl}/mcp`), oauth, (url) => userAgent(url, redirectUrl, 'allow'), recordingFetch);
    try {
      expect(seen).not.toContain('POST /oauth/register');
      expect(claimsOf(oauth.tokens()!.access_token)).toMatchObject({ aud: mcpUrl, client_id: preRegistered.clientId, scope: MCP_SCOPE });
      expect((await agent.callTool({ name: 'whoami' })).structuredContent).toEqual({ subject: USER.username, clientId: preRegistered.clientId, scopes: [MCP_SCOPE] });
    } finally {
      await agent.close();
    }
  });

  it('a refused consent ends the flow with the authorization error, and no token', async () => {
    const redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
    const oauth = new InMemoryOAuthClient(redirectUrl, { redirect_uris: [redirectUrl], token_endpoint_auth_method: 'none' });
    // A user who never consented to this client (a consent given once is remembered).
    const grace = { username: 'grace', password: 'grace-password-for-mcp' };
    await adminOk(as, 'POST', '/admin/v1/users', grace);
    const denying = (authorizationUrl: URL) => userAgent(authorizationUrl, redirectUrl, 'deny', grace);
    await expect(connectWithOAuth(new URL(`${mcpUrl}/mcp`), oauth, denying)).rejects.toThrow(/authorization refused: access_denied/);
    expect(oauth.tokens()).toBeUndefined();
  });
});
