import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { aClient, call, count, createClient, expectRejected, validationProblem } from '../support/clients-fixtures.js';

// Booting the app on a fresh (possibly embedded PGlite) database takes longer than jest's default 5 s.
jest.setTimeout(60_000);

/** CONTRACT.md, Clients: every rule gives 400 naming the field, and nothing is written. */
describe('client validation', () => {
  let server: RunningAuthServer;
  let existing: { clientId: string };
  beforeAll(async () => {
    server = await startTestAuthServer();
    existing = await createClient(server, { name: 'Existing', version: '1' });
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (json: unknown, field: string) => expectRejected(server, 'POST', '/admin/v1/clients', json, field);
  const patch = (json: unknown, field: string) => expectRejected(server, 'PATCH', `/admin/v1/clients/${existing.clientId}`, json, field);

  it.each(['&', '(', ')', '\\', ';', ',', '/', '"', ':', "'", '<', '>'])('rejects %s in the name and in the version', async (char) => {
    await post(aClient({ name: `Bad${char}Name` }), 'name');
    await post(aClient({ version: `1${char}0` }), 'version');
  });

  it('names the field and the rule exactly', async () => {
    const { status, body } = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'a<b' }));
    expect(status).toBe(400);
    expect(body).toEqual(validationProblem([{ field: 'name', message: `name must not contain & ( ) \\ ; , / " : ' < > or control characters` }]));
  });

  it('requires a name and a version of 1 to 255 characters', async () => {
    await post(aClient({ name: undefined }), 'name');
    await post(aClient({ name: '' }), 'name');
    await post(aClient({ name: 'n'.repeat(256) }), 'name');
    await post(aClient({ version: undefined }), 'version');
    await post(aClient({ version: '' }), 'version');
    await post(aClient({ version: 'v'.repeat(256) }), 'version');
    await post(aClient({ name: 'with\u0000nul' }), 'name');
  });

  it('accepts a name and a version of exactly 255 characters', async () => {
    const client = await createClient(server, { name: 'n'.repeat(255), version: 'v'.repeat(255) });
    expect(client.name).toHaveLength(255);
  });

  it('OpenID Connect fields: idTokenSignedResponseAlg RS256 (default) or ES256; postLogoutRedirectUris by the redirect URI rules', async () => {
    await post(aClient({ idTokenSignedResponseAlg: 'HS256' }), 'idTokenSignedResponseAlg');
    await post(aClient({ idTokenSignedResponseAlg: 'none' }), 'idTokenSignedResponseAlg');
    await post(aClient({ postLogoutRedirectUris: 'https://a.example/bye' }), 'postLogoutRedirectUris');
    await post(aClient({ postLogoutRedirectUris: ['https://a.example/bye#x'] }), 'postLogoutRedirectUris[0]');
    await patch({ postLogoutRedirectUris: ['https://a.example/bye', 'http://evil.example/bye'] }, 'postLogoutRedirectUris[1]');
    const created = await createClient(server, { name: 'OIDC fields', version: '1' });
    expect(created).toMatchObject({ idTokenSignedResponseAlg: 'RS256', postLogoutRedirectUris: [] });
    const { status, body } = await call(server, 'PATCH', `/admin/v1/clients/${created.clientId}`, { idTokenSignedResponseAlg: 'ES256', postLogoutRedirectUris: ['https://a.example/bye'] });
    expect({ status, body }).toMatchObject({ status: 200, body: { idTokenSignedResponseAlg: 'ES256', postLogoutRedirectUris: ['https://a.example/bye'] } });
  });

  it('checks the type, the grants and the grants allowed for the type', async () => {
    await post(aClient({ type: 'secret' }), 'type');
    await post(aClient({ type: undefined }), 'type');
    await post(aClient({ grants: [] }), 'grants');
    await post(aClient({ grants: undefined }), 'grants');
    await post(aClient({ grants: ['client_credentials', 'client_credentials'] }), 'grants');
    await post(aClient({ grants: ['telepathy'] }), 'grants');
    await post(aClient({ grants: ['refresh_token'] }), 'grants');
    await post(aClient({ type: 'public', grants: ['client_credentials'] }), 'grants');
    await post(aClient({ type: 'public', grants: ['password'] }), 'grants');
    await post(aClient({ type: 'confidential', grants: ['implicit'] }), 'grants');
  });

  it('requires a redirect URI for the authorization_code and implicit grants', async () => {
    await post(aClient({ redirectUris: [] }), 'redirectUris');
    await post(aClient({ redirectUris: undefined }), 'redirectUris');
    await post(aClient({ type: 'public', grants: ['implicit'], redirectUris: [] }), 'redirectUris');
    const machine = await createClient(server, { name: 'Machine', grants: ['client_credentials'], redirectUris: undefined });
    expect(machine.redirectUris).toEqual([]);
  });

  it.each([
    ['a fragment (AD-4)', 'https://app.example.com/cb#frag'],
    ['a wildcard', 'https://*.example.com/cb'],
    ['a relative URI', '/callback'],
    ['no host', 'https:///cb'],
    ['http on a public host', 'http://app.example.com/cb'],
    ['http on a look-alike host', 'http://localhost.evil.example/cb'],
    ['javascript:', 'JaVaScRiPt:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['userinfo', 'https://good.example.com@evil.example/cb'],
    ['userinfo with a password', 'https://user:pass@app.example.com/cb'],
    ['a space', 'https://app.example.com/c b'],
    ['a private-use scheme on a confidential client', 'com.example.app:/cb'],
  ])('rejects a redirect URI with %s', async (_, uri) => {
    await post(aClient({ redirectUris: ['https://ok.example.com/cb', uri] }), 'redirectUris[1]');
  });

  it('rejects a private-use scheme without a dot, even for a public client', async () => {
    await post(aClient({ type: 'public', grants: ['authorization_code'], redirectUris: ['myapp:/cb'] }), 'redirectUris[0]');
  });

  it('accepts https, http on loopback hosts and private-use schemes for public clients', async () => {
    const uris = ['https://app.example.com/cb?x=1', 'http://localhost/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'com.example.app:/oauth2redirect'];
    const client = await createClient(server, { name: 'Native', type: 'public', grants: ['authorization_code', 'implicit'], redirectUris: uris });
    expect(client.redirectUris).toEqual(uris);
    expect(client).not.toHaveProperty('clientSecret');
  });

  it('checks redirect URI types and duplicates', async () => {
    await post(aClient({ redirectUris: 'https://app.example.com/cb' }), 'redirectUris');
    await post(aClient({ redirectUris: [42] }), 'redirectUris');
    await post(aClient({ redirectUris: ['https://a.example.com/cb', 'https://a.example.com/cb'] }), 'redirectUris');
  });

  it.each([
    [{ mode: 'seconds', seconds: 0 }, 'accessTokenLifetime.seconds'],
    [{ mode: 'seconds', seconds: 2147483648 }, 'accessTokenLifetime.seconds'],
    [{ mode: 'seconds', seconds: 1.5 }, 'accessTokenLifetime.seconds'],
    [{ mode: 'seconds', seconds: '60' }, 'accessTokenLifetime.seconds'],
    [{ mode: 'seconds' }, 'accessTokenLifetime.seconds'],
    [{ mode: 'global', seconds: 60 }, 'accessTokenLifetime.seconds'],
    [{ mode: 'never', seconds: 60 }, 'accessTokenLifetime.seconds'],
    [{ mode: 'forever' }, 'accessTokenLifetime.mode'],
    [{ mode: 'seconds', seconds: 60, extra: 1 }, 'accessTokenLifetime.extra'],
    ['global', 'accessTokenLifetime'],
    [[{ mode: 'global' }], 'accessTokenLifetime'],
  ])('rejects the access token lifetime %j', async (lifetime, field) => {
    await post(aClient({ accessTokenLifetime: lifetime }), field);
  });

  it.each([
    [{ mode: 'limited', limit: -1 }, 'refreshCount.limit'],
    [{ mode: 'limited', limit: 2147483648 }, 'refreshCount.limit'],
    [{ mode: 'limited', limit: '3' }, 'refreshCount.limit'],
    [{ mode: 'limited', limit: 1.5 }, 'refreshCount.limit'],
    [{ mode: 'limited', limit: '' }, 'refreshCount.limit'],
    [{ mode: 'unlimited', limit: 3 }, 'refreshCount.limit'],
    [{ mode: 'sometimes' }, 'refreshCount.mode'],
    [5, 'refreshCount'],
  ])('rejects the refresh count %j', async (refreshCount, field) => {
    await post(aClient({ refreshCount }), field);
  });

  it('accepts the bounds 1 and 2147483647 seconds, and 0 and 2147483647 refreshes', async () => {
    const low = await createClient(server, { name: 'Low', accessTokenLifetime: { mode: 'seconds', seconds: 1 }, refreshCount: { mode: 'limited', limit: 0 } });
    expect([low.accessTokenLifetime, low.refreshCount]).toEqual([{ mode: 'seconds', seconds: 1 }, { mode: 'limited', limit: 0 }]);
    const high = await createClient(server, { name: 'High', accessTokenLifetime: { mode: 'seconds', seconds: 2147483647 }, refreshCount: { mode: 'limited', limit: 2147483647 } });
    expect([high.accessTokenLifetime, high.refreshCount]).toEqual([{ mode: 'seconds', seconds: 2147483647 }, { mode: 'limited', limit: 2147483647 }]);
    const other = await createClient(server, { name: 'Other', accessTokenLifetime: { mode: 'never' }, refreshCount: { mode: 'unlimited' } });
    expect([other.accessTokenLifetime, other.refreshCount]).toEqual([{ mode: 'never' }, { mode: 'unlimited' }]);
  });

  it('reads an empty refresh limit (absent or null) as none: no refresh token (issue 18)', async () => {
    const absent = await createClient(server, { name: 'No limit', refreshCount: { mode: 'limited' } });
    expect(absent.refreshCount).toEqual({ mode: 'limited', limit: 0 });
    const unlimited = await createClient(server, { name: 'Null limit', refreshCount: { mode: 'unlimited' } });
    const { status, body } = await call(server, 'PATCH', `/admin/v1/clients/${unlimited.clientId}`, { refreshCount: { mode: 'limited', limit: null } });
    expect({ status, refreshCount: body.refreshCount }).toEqual({ status: 200, refreshCount: { mode: 'limited', limit: 0 } });
  });

  it('checks the description and active', async () => {
    await post(aClient({ description: 'd'.repeat(1001) }), 'description');
    await post(aClient({ description: 42 }), 'description');
    await post(aClient({ active: 'yes' }), 'active');
    const described = await createClient(server, { name: 'Described', description: 'd'.repeat(1000) });
    expect(described.description).toHaveLength(1000);
  });

  it('rejects fields the client does not own (mass assignment, AD-7)', async () => {
    await post(aClient({ clientId: 'chosen' }), 'clientId');
    await post(aClient({ clientSecret: 'chosen-secret' }), 'clientSecret');
    await post(aClient({ createdAt: '2020-01-01T00:00:00Z' }), 'createdAt');
    await post(aClient({ scopes: ['admin'] }), 'scopes');
  });

  it("AD-6: a client_id cannot be chosen, so never one equal to a user's sub (the username): 400 naming clientId, nothing written", async () => {
    const username = 'ad6-chosen-sub';
    expect((await call(server, 'POST', '/admin/v1/users', { username, password: 'ad6-password-long', permissions: [] })).status).toBe(201);
    await post(aClient({ name: 'AD-6 App', clientId: username }), 'clientId');
    const created = await createClient(server, { name: 'AD-6 App' });
    expect(created.clientId).not.toBe(username);
    expect((await call(server, 'GET', `/admin/v1/clients/${username}`)).status).toBe(404);
  });

  it('answers 400 for bodies that are not a client object', async () => {
    for (const json of [[], null, 'text', 42]) {
      await post(json, 'name');
    }
  });

  it('answers 400 for malformed JSON and for an oversized body, never 500', async () => {
    const before = await count(server, 'clients');
    const headers = { authorization: server.adminAuthorization, 'content-type': 'application/json' };
    const malformed = await server.request('/admin/v1/clients', { method: 'POST', headers, body: '{"name": "x",' });
    expect([malformed.status, await malformed.json()]).toEqual([400, validationProblem([{ field: 'body', message: 'the body is not valid JSON' }])]);
    const huge = await server.request('/admin/v1/clients', { method: 'POST', headers, body: JSON.stringify(aClient({ description: 'x'.repeat(300 * 1024) })) });
    expect([huge.status, await huge.json()]).toEqual([400, validationProblem([{ field: 'body', message: 'the request body is too large' }])]);
    expect(await count(server, 'clients')).toBe(before);
  });

  describe('PATCH', () => {
    it('rejects a name, even an unchanged one', async () => {
      await patch({ name: 'Existing' }, 'name');
      const { body } = await call(server, 'PATCH', `/admin/v1/clients/${existing.clientId}`, { name: 'Other' });
      expect(body).toEqual(validationProblem([{ field: 'name', message: 'name cannot be changed' }]));
    });

    it('applies the same rules as create, on the merged client', async () => {
      await patch({ version: '2/0' }, 'version');
      await patch({ grants: [] }, 'grants');
      await patch({ type: 'public' }, 'grants'); // client_credentials is not allowed for a public client
      await patch({ redirectUris: [] }, 'redirectUris');
      await patch({ redirectUris: ['http://example.com/cb'] }, 'redirectUris[0]');
      await patch({ accessTokenLifetime: { mode: 'seconds', seconds: 2147483648 } }, 'accessTokenLifetime.seconds');
      await patch({ refreshCount: { mode: 'limited', limit: -1 } }, 'refreshCount.limit');
      await patch({ active: 'false' }, 'active');
      const { body } = await call(server, 'GET', `/admin/v1/clients/${existing.clientId}`);
      expect(body).toMatchObject({ version: '1', type: 'confidential', grants: ['authorization_code', 'client_credentials'], active: true });
    });
  });

  it('rejects malformed list filters and cursors with 400 (AD-9)', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'active=maybe', 'cursor=%25%25', 'cursor=eyJ4IjoxfQ', 'cursor=' + Buffer.from(JSON.stringify({ created: "x'; DROP TABLE clients; --", id: 'y' })).toString('base64url')]) {
      const { status, body } = await call(server, 'GET', `/admin/v1/clients?${query}`);
      expect({ query, status, type: body.type }).toEqual({ query, status: 400, type: 'https://portcullis.dev/problems/validation' });
    }
  });
});
