import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { TEST_RESOURCE_CLIENT } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { aClient, call, expectRejected } from '../support/clients-fixtures.js';
import { accessTokenFor, basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

/**
 * CONTRACT "Privileged scopes and token audiences": who may introspect (RFC 7662 §2.1, IN-2) and
 * revoke (RFC 7009 §2.1, RV-2) which token. A client flagged "introspection": true learns about
 * every token; any other about its own and the access tokens it is in the audience of, and sees
 * every other token as exactly {"active": false}.
 */
describe('introspection and revocation: which client may ask about which token', () => {
  let server: RunningAuthServer;
  let owner: TestClient;
  let plain: TestClient;
  let introspector: TestClient;

  const introspect = async (token: string, caller: TestClient): Promise<unknown> =>
    (await postForm(server, '/oauth/introspect', { token }, { authorization: basic(caller.clientId, caller.secret) })).json();
  const revoke = (token: string, caller: TestClient): Promise<Response> =>
    postForm(server, '/oauth/revoke', { token }, { authorization: basic(caller.clientId, caller.secret) });

  async function userGrant(client: TestClient): Promise<{ access_token: string; refresh_token?: string }> {
    const found = await server.app.get(ClientAuthenticator).find(client.clientId);
    const user = await server.app.get(UsersService).findByUsername('carol');
    const { response } = await server.app
      .get(TokenIssuance)
      .issue({ client: found!, user: { id: user!.id, username: 'carol' }, grantType: 'authorization_code', scopes: ['read'], withRefreshToken: true });
    return response;
  }

  beforeAll(async () => {
    server = await startTestAuthServer({}, { RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId, RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret });
    owner = await createClient(server, { grants: ['client_credentials', 'authorization_code'] });
    plain = await createClient(server);
    introspector = await createClient(server, { introspection: true });
    await createUser(server, 'carol', 'carol-password-1');
  });
  afterAll(async () => {
    await server.close();
  });

  it("IN-2: a plain confidential client sees another client's access and refresh tokens as exactly {active:false}, its own as active", async () => {
    const foreign = await userGrant(owner);
    expect(await introspect(foreign.access_token, plain)).toEqual({ active: false });
    expect(await introspect(foreign.refresh_token!, plain)).toEqual({ active: false });
    const foreignMachine = await accessTokenFor(server, owner);
    expect(await introspect(foreignMachine, plain)).toEqual({ active: false });
    const own = await accessTokenFor(server, plain);
    expect(await introspect(own, plain)).toMatchObject({ active: true, client_id: plain.clientId });
    expect(await introspect(foreign.access_token, owner)).toMatchObject({ active: true, client_id: owner.clientId });
    expect(await introspect(foreign.refresh_token!, owner)).toMatchObject({ active: true, token_type: 'refresh_token' });
  });

  it("IN-5: a resource server's client that is not in the token's aud (and not flagged) sees it as exactly {active:false}; a flagged one gets its aud to check", async () => {
    const otherResource = 'https://in5-other-rs.example.com';
    const otherRs = await createClient(server);
    const made = await call(server, 'POST', '/admin/v1/resources', { identifier: otherResource, name: 'IN-5 other RS', scopes: [], clientId: otherRs.clientId });
    expect(made.status).toBe(201);
    const token = await accessTokenFor(server, owner);
    const { aud } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { aud: string | string[] };
    expect([aud].flat()).not.toContain(otherResource);
    expect(await introspect(token, otherRs)).toEqual({ active: false });
    // CONTRACT: a client flagged "introspection" learns about any token; the answer names the
    // audience, which the resource server checks itself (test/e2e/introspection-stack, item 4).
    expect(await introspect(token, introspector)).toMatchObject({ active: true, aud });
  });

  it("IN-5: the client that represents a resource in the token's aud learns about it (CONTRACT: in the audience)", async () => {
    const resource = 'https://in5-reports.example.com';
    const representing = await createClient(server);
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: resource, name: 'IN-5 reports', scopes: [], clientId: representing.clientId })).status).toBe(201);
    const token = await accessTokenFor(server, owner, { resource });
    expect(await introspect(token, representing)).toMatchObject({ active: true, client_id: owner.clientId, aud: resource });
    // Another resource's client, and a plain client, still see exactly {active:false}.
    expect(await introspect(token, plain)).toEqual({ active: false });
  });

  it('a client flagged introspection:true sees every token', async () => {
    const foreign = await userGrant(owner);
    expect(await introspect(foreign.access_token, introspector)).toMatchObject({ active: true, client_id: owner.clientId, username: 'carol' });
    expect(await introspect(foreign.refresh_token!, introspector)).toMatchObject({ active: true, client_id: owner.clientId, token_type: 'refresh_token' });
    expect(await introspect(await accessTokenFor(server, plain), introspector)).toMatchObject({ active: true, client_id: plain.clientId });
  });

  it('the provisioned resource-server client has the flag, and gets it back at boot on an existing installation', async () => {
    const resourceClient = { clientId: TEST_RESOURCE_CLIENT.clientId, secret: TEST_RESOURCE_CLIENT.clientSecret } as TestClient;
    const read = await call(server, 'GET', `/admin/v1/clients/${TEST_RESOURCE_CLIENT.clientId}`);
    expect(read.body).toMatchObject({ introspection: true });
    expect(await introspect(await accessTokenFor(server, owner), resourceClient)).toMatchObject({ active: true, client_id: owner.clientId });
    // An installation from before the flag existed: the column defaulted to false.
    await sql(server, 'UPDATE clients SET introspection = false WHERE client_id = $1', [TEST_RESOURCE_CLIENT.clientId]);
    await server.restart();
    expect((await call(server, 'GET', `/admin/v1/clients/${TEST_RESOURCE_CLIENT.clientId}`)).body).toMatchObject({ introspection: true });
  });

  it("RV-2: revoking another client's token is 400 unauthorized_client and revokes nothing; revoking one's own is 200", async () => {
    const foreign = await userGrant(owner);
    const machine = await accessTokenFor(server, owner);
    for (const token of [foreign.access_token, foreign.refresh_token!, machine]) {
      for (const caller of [plain, introspector]) {
        const refused = await revoke(token, caller);
        expect(refused.status).toBe(400);
        expect(await refused.json()).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
      }
    }
    const publicClient = await createClient(server, { type: 'public', grants: ['authorization_code'] });
    const fromPublic = await postForm(server, '/oauth/revoke', { token: machine, client_id: publicClient.clientId });
    expect(fromPublic.status).toBe(400);
    expect(await fromPublic.json()).toMatchObject({ error: 'unauthorized_client' });
    for (const token of [foreign.access_token, foreign.refresh_token!, machine]) expect(await introspect(token, introspector)).toMatchObject({ active: true });
    const revokedEvents = await sql(server, `SELECT 1 FROM outbox_events WHERE kind = 'tokens.revoked' AND entity_id = $1`, [owner.clientId]);
    expect(revokedEvents).toEqual([]);

    const own = await revoke(machine, owner);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('');
    expect(await introspect(machine, introspector)).toEqual({ active: false });
    expect((await revoke(foreign.refresh_token!, owner)).status).toBe(200);
    expect(await introspect(foreign.access_token, introspector)).toEqual({ active: false });
  });

  describe('the admin API field "introspection"', () => {
    it('defaults to false, is set at creation and by PATCH (audited with before and after), and is shown by GET', async () => {
      const created = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'Plain RS' }));
      expect([created.status, created.body.introspection]).toEqual([201, false]);
      const flagged = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'Flagged RS', introspection: true }));
      expect([flagged.status, flagged.body.introspection]).toEqual([201, true]);
      expect((await call(server, 'GET', `/admin/v1/clients/${flagged.body.clientId}`)).body.introspection).toBe(true);
      const on = await call(server, 'PATCH', `/admin/v1/clients/${created.body.clientId}`, { introspection: true });
      expect([on.status, on.body.introspection]).toEqual([200, true]);
      const [row] = await sql<{ introspection: boolean }>(server, 'SELECT introspection FROM clients WHERE client_id = $1', [created.body.clientId]);
      expect(row.introspection).toBe(true);
      const off = await call(server, 'PATCH', `/admin/v1/clients/${created.body.clientId}`, { introspection: false });
      expect([off.status, off.body.introspection]).toEqual([200, false]);
      const audit = await server.request(`/admin/v1/audit?action=client.updated&limit=1`, { headers: { authorization: server.adminAuthorization } });
      const [event] = ((await audit.json()) as { items: { targetId: string; details: unknown }[] }).items;
      expect(event).toMatchObject({
        targetId: created.body.clientId,
        details: { change: { introspection: false }, before: { introspection: true }, after: { introspection: false } },
      });
    });

    it('refuses a non-boolean (null included) with 400 naming the field, and writes nothing', async () => {
      const created = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'Patched badly' }));
      for (const value of ['true', 1, null, {}]) {
        await expectRejected(server, 'POST', '/admin/v1/clients', aClient({ name: 'Bad flag', introspection: value }), 'introspection');
        await expectRejected(server, 'PATCH', `/admin/v1/clients/${created.body.clientId}`, { introspection: value }, 'introspection');
      }
      expect((await call(server, 'GET', `/admin/v1/clients/${created.body.clientId}`)).body.introspection).toBe(false);
    });

    it('a change of the flag takes effect at once at the introspection endpoint (client cache)', async () => {
      const created = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'Toggled RS', grants: ['client_credentials'] }));
      const caller = { clientId: created.body.clientId, secret: created.body.clientSecret } as TestClient;
      const foreign = await accessTokenFor(server, owner);
      expect(await introspect(foreign, caller)).toEqual({ active: false });
      await call(server, 'PATCH', `/admin/v1/clients/${caller.clientId}`, { introspection: true });
      expect(await introspect(foreign, caller)).toMatchObject({ active: true });
      await call(server, 'PATCH', `/admin/v1/clients/${caller.clientId}`, { introspection: false });
      expect(await introspect(foreign, caller)).toEqual({ active: false });
    });
  });
});
