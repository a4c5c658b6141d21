import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ResourceGuardOptions } from '@portcullis/nest-resource-guard';
import { createTestDatabase, eventually, TEST_RESOURCE_CLIENT, type TestDatabase } from '#testing';
import type { RunningAuthServer } from '../../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, type StackClient } from '../../../apps/auth-server/test/support/test-clients.js';
import { API_CLIENT, startOidcProvider, type OidcProviderServer } from '../../../apps/resource-server/test/support/oidc-provider-server.js';
import { startStackAuthServer } from '../../../test/support/stack-harness.js';
import { createNotesApp } from '../src/app.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** The example app on a spare port, its registry in a database of its own. */
async function startNotesApp(guard: Omit<ResourceGuardOptions, 'databaseUrl'>): Promise<{ app: NestFastifyApplication; url: string; database: TestDatabase }> {
  const database = await createTestDatabase();
  const app = await createNotesApp({ ...guard, databaseUrl: database.url });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), database };
}

function call(url: string, path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(url + path, { ...init, headers });
}

function postNote(url: string, token: string, text: string): Promise<Response> {
  return call(url, '/notes', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
}

/**
 * examples/nest-app: a user's own Nest app importing @portcullis/nest-resource-guard by its
 * package name, against the real auth server: the same refusals as the resource server (RFC 6750),
 * the synced registry (a client deactivated at the auth server is refused), RFC 9728 metadata.
 * With TEST_REDIS_URL the events come through Redis Streams; without, the documented fallback
 * (the registry snapshot reloaded every snapshotPollMs) carries the change.
 */
describe('examples/nest-app with a Portcullis auth server (synced mode)', () => {
  const syncStream = `portcullis:test:nest-app:${randomBytes(6).toString('hex')}`;
  let as: RunningAuthServer;
  let notes: { app: NestFastifyApplication; url: string; database: TestDatabase };
  let reader: StackClient;
  let writer: StackClient;

  beforeAll(async () => {
    as = await startStackAuthServer(redisUrl ? { redisUrl, syncStream } : {});
    reader = await createStackClient(as, 'Notes Reader', ['notes.read']);
    writer = await createStackClient(as, 'Notes Writer', ['notes.read', 'notes.write']);
    notes = await startNotesApp({
      issuer: as.baseUrl,
      audience: as.config.resourceAudience,
      client: TEST_RESOURCE_CLIENT,
      ...(redisUrl ? { redisUrl, syncStream } : { snapshotPollMs: 1000 }),
    });
    // 503 until the registry snapshot is loaded (fail closed), then the reader's token is admitted.
    const token = await clientCredentialsToken(as, reader);
    await eventually(async () => (await call(notes.url, '/notes', token)).status === 200, 20_000, 'the registry snapshot to load');
    // Two apps, two databases and a snapshot: over the 60 s default once on a loaded 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await notes?.app.close();
    await notes?.database.drop();
    await as?.close();
  });

  it('serves its public route without a token', async () => {
    const response = await call(notes.url, '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 401 with a Bearer challenge without a token, on scoped and unscoped routes alike', async () => {
    for (const path of ['/notes', '/me']) {
      const response = await call(notes.url, path);
      expect(response.status).toBe(401);
      // RFC 9728 §5.1: the challenge says where the metadata is (MCP clients start there).
      expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${as.config.resourceAudience}/.well-known/oauth-protected-resource"`);
    }
    const forged = await call(notes.url, '/notes', 'not.a.token');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await forged.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers 403 naming the missing scope', async () => {
    const response = await postNote(notes.url, await clientCredentialsToken(as, reader), 'not mine to write');
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="notes.write"');
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('admits a good token and hands the handler its principal', async () => {
    const token = await clientCredentialsToken(as, writer);
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { jti: string };
    const created = await postNote(notes.url, token, 'hello');
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 1, text: 'hello', writtenBy: writer.clientId });
    const listed = await call(notes.url, '/notes', token);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({
      notes: [{ id: 1, text: 'hello', writtenBy: writer.clientId }],
      caller: { subject: writer.clientId, clientId: writer.clientId, scopes: ['notes.read', 'notes.write'], tokenId: jti, grantType: 'client_credentials' },
    });
    expect((await call(notes.url, '/me', token)).status).toBe(200);
  });

  it('serves its RFC 9728 metadata, naming the auth server and the synced scopes', async () => {
    const response = await call(notes.url, '/.well-known/oauth-protected-resource');
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: as.config.resourceAudience, authorization_servers: [as.baseUrl], bearer_methods_supported: ['header'] });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['notes.read', 'notes.write']));
  });

  it('refuses the token of a client deactivated at the auth server', async () => {
    const client = await createStackClient(as, 'Notes Soon Gone', ['notes.read']);
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await call(notes.url, '/notes', token)).status === 200, 15_000, 'the new client to reach the registry');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await eventually(async () => (await call(notes.url, '/notes', token)).status === 401, 15_000, 'the deactivation to reach the registry');
    const refused = await call(notes.url, '/notes', token);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('refuses a body that fails the app’s own validation with 400, not a 5xx', async () => {
    const response = await postNote(notes.url, await clientCredentialsToken(as, writer), '');
    expect(response.status).toBe(400);
  });
});

/** mode 'external': any RFC 8414 / OpenID discovery server (panva's oidc-provider), JWT access tokens, no events. */
describe('examples/nest-app with an external authorization server', () => {
  const audience = 'http://notes-api.test';
  let provider: OidcProviderServer;
  let notes: { app: NestFastifyApplication; url: string; database: TestDatabase };

  beforeAll(async () => {
    provider = await startOidcProvider({ audience, accessTokenFormat: 'jwt', apiScopes: ['notes.read', 'notes.write'] });
    notes = await startNotesApp({ issuer: provider.issuer, audience, mode: 'external' });
  });

  afterAll(async () => {
    await notes?.app.close();
    await notes?.database.drop();
    await provider?.close();
  });

  it('admits the provider’s token for its audience once the metadata is fetched, and refuses a missing scope', async () => {
    const token = await provider.clientCredentialsToken(API_CLIENT, 'notes.read');
    await eventually(async () => (await call(notes.url, '/notes', token)).status === 200, 15_000, 'the provider metadata and keys to load');
    const listed = await call(notes.url, '/notes', token);
    expect(await listed.json()).toMatchObject({ caller: { subject: API_CLIENT.clientId, clientId: API_CLIENT.clientId, scopes: ['notes.read'] } });
    const refused = await postNote(notes.url, token, 'no write scope');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="notes.write"');
  });

  it('refuses a token for another audience, and no token at all', async () => {
    const other = await provider.clientCredentialsToken(API_CLIENT, 'notes.read', 'http://another-api.test');
    expect((await call(notes.url, '/notes', other)).status).toBe(401);
    expect((await call(notes.url, '/notes')).headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${audience}/.well-known/oauth-protected-resource"`,
    );
  });

  it('names the external issuer in its RFC 9728 metadata', async () => {
    const metadata = (await (await call(notes.url, '/.well-known/oauth-protected-resource')).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: audience, authorization_servers: [provider.issuer] });
  });
});
