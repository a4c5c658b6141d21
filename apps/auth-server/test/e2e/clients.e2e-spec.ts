import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { hashPassword } from '../../src/users/password-hasher.js';
import { basicAuthorization, startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { aClient, call, count, createClient, sql, type Json } from '../support/clients-fixtures.js';

// Booting the app on a fresh (possibly embedded PGlite) database takes longer than jest's default 5 s.
jest.setTimeout(60_000);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('clients admin API', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const outboxKinds = async (entityId: string) =>
    (await sql<{ kind: string }>(server, 'SELECT kind FROM outbox_events WHERE entity_id = $1 ORDER BY seq', [entityId])).map((row) => row.kind);

  describe('create and read', () => {
    it('answers 201 with the client as CONTRACT.md shows it, secret included once', async () => {
      const { status, body } = await call(server, 'POST', '/admin/v1/clients', aClient({ refreshCount: { mode: 'limited', limit: 0 } }));
      expect(status).toBe(201);
      expect(body).toEqual({
        clientId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        name: 'Billing App',
        version: '1.0',
        description: '',
        type: 'confidential',
        redirectUris: ['https://billing.example.com/callback'],
        grants: ['authorization_code', 'client_credentials'],
        accessTokenLifetime: { mode: 'global' },
        refreshCount: { mode: 'limited', limit: 0 },
        active: true,
        introspection: false,
        idTokenSignedResponseAlg: 'RS256',
        postLogoutRedirectUris: [],
        registration: 'admin',
        tokenEndpointAuthMethod: 'client_secret_basic',
        jwks: null,
        jwksUri: null,
        requirePushedAuthorizationRequests: false,
        allowedResources: null,
        tokenExchangeAudiences: [],
        tokenExchangeImpersonation: false,
        scopes: [],
        endpoints: {
          authorization: `${server.config.issuer}/oauth/authorize`,
          token: `${server.config.issuer}/oauth/token`,
          refreshToken: `${server.config.issuer}/oauth/token`,
        },
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      const { clientSecret, ...withoutSecret } = body;
      const read = await call(server, 'GET', `/admin/v1/clients/${body.clientId}`);
      expect([read.status, read.body]).toEqual([200, withoutSecret]);
      expect(await server.app.get(ClientAuthenticator).authenticate(body.clientId, clientSecret)).toMatchObject({ clientId: body.clientId });
      expect(await outboxKinds(body.clientId)).toEqual(['client.upserted']);
      const [event] = await sql<{ payload: unknown; entity_version: string }>(
        server,
        'SELECT payload, entity_version FROM outbox_events WHERE entity_id = $1',
        [body.clientId],
      );
      expect(event).toEqual({
        entity_version: '1',
        payload: { clientId: body.clientId, name: 'Billing App', version: '1.0', type: 'confidential', active: true, scopes: [], entityVersion: 1 },
      });
    });

    it('never stores the secret in the clear (SECURITY-CHECKLIST AD-3, TC-3)', async () => {
      const { clientId, clientSecret } = await createClient(server, { name: 'Hashed' });
      const rows = await sql(server, 'SELECT * FROM clients');
      expect(JSON.stringify(rows)).not.toContain(clientSecret);
      expect(JSON.stringify(await sql(server, 'SELECT * FROM outbox_events'))).not.toContain(clientSecret);
      const list = await call(server, 'GET', '/admin/v1/clients');
      expect(JSON.stringify(list.body)).not.toContain(clientSecret);
      expect(list.body.items.find((item: { clientId: string }) => item.clientId === clientId)).not.toHaveProperty('clientSecret');
    });

    it('gives public clients no secret', async () => {
      const client = await createClient(server, { name: 'SPA', type: 'public', grants: ['authorization_code'] });
      expect(client).not.toHaveProperty('clientSecret');
      const [row] = await sql<{ secret_hash: string | null }>(server, 'SELECT secret_hash FROM clients WHERE client_id = $1', [client.clientId]);
      expect(row.secret_hash).toBeNull();
    });

    it('answers 404 problems for unknown and hostile client ids', async () => {
      for (const id of ['nope', 'a%00b', 'bad!id', 'x'.repeat(99)]) {
        const { status, body } = await call(server, 'GET', `/admin/v1/clients/${id}`);
        expect([status, body.title, body.status]).toEqual([404, 'Not found', 404]);
      }
    });
  });

  describe('uniqueness', () => {
    it('answers 409 for the same name (any case) and version, and nothing is written', async () => {
      await createClient(server, { name: 'Unique App', version: '2.0' });
      const before = await count(server, 'clients');
      const { status, body } = await call(server, 'POST', '/admin/v1/clients', aClient({ name: 'unique APP', version: '2.0' }));
      expect(status).toBe(409);
      expect(body).toEqual({
        type: 'https://portcullis.dev/problems/conflict',
        title: 'Conflict',
        status: 409,
        detail: 'a client named "unique APP" with version "2.0" already exists',
        errors: [{ field: 'name', message: 'name and version must be unique (the name compared without regard to case)' }],
      });
      expect(await count(server, 'clients')).toBe(before);
      await createClient(server, { name: 'Unique App', version: '2.1' });
    });

    it('lets exactly one of two concurrent identical creates win', async () => {
      const results = await Promise.all([1, 2].map(() => call(server, 'POST', '/admin/v1/clients', aClient({ name: 'Racer', version: '1' }))));
      expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
      expect(await sql(server, "SELECT client_id FROM clients WHERE name = 'Racer'")).toHaveLength(1);
    });

    it('answers 409 when a PATCH moves a client onto an existing name and version', async () => {
      await createClient(server, { name: 'Versioned', version: '1' });
      const second = await createClient(server, { name: 'VERSIONED', version: '2' });
      const { status, body } = await call(server, 'PATCH', `/admin/v1/clients/${second.clientId}`, { version: '1' });
      expect([status, body.title]).toEqual([409, 'Conflict']);
      expect((await call(server, 'GET', `/admin/v1/clients/${second.clientId}`)).body.version).toBe('2');
    });
  });

  describe('update', () => {
    it('changes fields, bumps the version and emits client.upserted', async () => {
      const client = await createClient(server, { name: 'Editable' });
      const { status, body } = await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, {
        description: 'new',
        version: '1.1',
        redirectUris: ['https://billing.example.com/v2'],
        accessTokenLifetime: { mode: 'seconds', seconds: 600 },
        refreshCount: { mode: 'unlimited' },
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        name: 'Editable',
        description: 'new',
        version: '1.1',
        redirectUris: ['https://billing.example.com/v2'],
        accessTokenLifetime: { mode: 'seconds', seconds: 600 },
        refreshCount: { mode: 'unlimited' },
      });
      expect(body).not.toHaveProperty('clientSecret');
      const events = await sql<{ kind: string; entity_version: string }>(
        server,
        'SELECT kind, entity_version FROM outbox_events WHERE entity_id = $1 ORDER BY seq',
        [client.clientId],
      );
      expect(events).toEqual([
        { kind: 'client.upserted', entity_version: '1' },
        { kind: 'client.upserted', entity_version: '2' },
      ]);
    });

    it('drops the secret when the type becomes public and returns a new one when it becomes confidential', async () => {
      const client = await createClient(server, { name: 'Switcher', grants: ['authorization_code'] });
      const authenticator = server.app.get(ClientAuthenticator);
      const toPublic = await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { type: 'public' });
      expect([toPublic.status, toPublic.body.type, 'clientSecret' in toPublic.body]).toEqual([200, 'public', false]);
      expect(await authenticator.authenticate(client.clientId, client.clientSecret)).toBeNull();
      const toConfidential = await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, {
        type: 'confidential',
        grants: ['authorization_code', 'password'],
      });
      expect(toConfidential.status).toBe(200);
      expect(toConfidential.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await authenticator.authenticate(client.clientId, toConfidential.body.clientSecret)).not.toBeNull();
      expect(await authenticator.authenticate(client.clientId, client.clientSecret)).toBeNull();
    });

    it('deactivation revokes every token of the client at once; reactivation does not revive them', async () => {
      const client = await createClient(server, { name: 'Revoked' });
      const [{ id: ref }] = await sql<{ id: string }>(server, 'SELECT id FROM clients WHERE client_id = $1', [client.clientId]);
      const [{ id: oldGrant }] = await sql<{ id: string }>(
        server,
        "INSERT INTO grants (client_ref, client_id, grant_type, issued_at) VALUES ($1, $2, 'client_credentials', now() - interval '1 hour') RETURNING id",
        [ref, client.clientId],
      );
      await sql(server, "INSERT INTO grants (client_ref, client_id, grant_type) VALUES ($1, $2, 'client_credentials')", [ref, client.clientId]);
      const other = await createClient(server, { name: 'Bystander' });
      const [{ id: otherRef }] = await sql<{ id: string }>(server, 'SELECT id FROM clients WHERE client_id = $1', [other.clientId]);
      await sql(server, "INSERT INTO grants (client_ref, client_id, grant_type) VALUES ($1, $2, 'client_credentials')", [otherRef, other.clientId]);

      const off = await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
      expect([off.status, off.body.active]).toEqual([200, false]);
      const grants = await sql<{ revoked_at: Date | null }>(server, 'SELECT revoked_at FROM grants WHERE client_ref = $1', [ref]);
      expect(grants.every((grant) => grant.revoked_at !== null)).toBe(true);
      expect(await sql(server, 'SELECT 1 FROM grants WHERE client_ref = $1 AND revoked_at IS NULL', [otherRef])).toHaveLength(1);
      const [revoked] = await sql<{ payload: { clientId: string; revokedBefore: string; grantIds?: string[] } }>(
        server,
        "SELECT payload FROM outbox_events WHERE kind = 'tokens.revoked' AND entity_id = $1",
        [client.clientId],
      );
      expect(revoked.payload).toMatchObject({ clientId: client.clientId, revokedBefore: expect.stringMatching(ISO) });
      // Resource servers compare whole seconds: only grants issued in the cut-off's own second are named.
      expect(revoked.payload.grantIds ?? []).not.toContain(oldGrant);
      expect(await outboxKinds(client.clientId)).toEqual(['client.upserted', 'client.upserted', 'tokens.revoked']);

      const on = await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: true });
      expect([on.status, on.body.active]).toEqual([200, true]);
      expect(await sql(server, 'SELECT 1 FROM grants WHERE client_ref = $1 AND revoked_at IS NULL', [ref])).toHaveLength(0);
    });

    it('answers 404 for an unknown client', async () => {
      const { status, body } = await call(server, 'PATCH', '/admin/v1/clients/unknown', { description: 'x' });
      expect([status, body]).toEqual([
        404,
        { type: 'https://portcullis.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no client with the id unknown', errors: [] },
      ]);
    });
  });

  describe('secret regeneration', () => {
    it('stops the old secret at once by default', async () => {
      const client = await createClient(server, { name: 'Rotate Now' });
      const { status, body } = await call(server, 'POST', `/admin/v1/clients/${client.clientId}/secret`, {});
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['clientSecret']);
      const authenticator = server.app.get(ClientAuthenticator);
      expect(await authenticator.authenticate(client.clientId, body.clientSecret)).not.toBeNull();
      expect(await authenticator.authenticate(client.clientId, client.clientSecret)).toBeNull();
      expect(JSON.stringify(await sql(server, 'SELECT * FROM clients'))).not.toContain(body.clientSecret);
    });

    it('keeps the old secret working for the overlap window, then not', async () => {
      const client = await createClient(server, { name: 'Rotate Slowly' });
      const requestedAt = Date.now();
      const { status, body } = await call(server, 'POST', `/admin/v1/clients/${client.clientId}/secret`, { previousSecretValidForSeconds: 60 });
      const answeredAt = Date.now();
      expect(status).toBe(200);
      const authenticator = server.app.get(ClientAuthenticator);
      expect(await authenticator.authenticate(client.clientId, body.clientSecret)).not.toBeNull();
      expect(await authenticator.authenticate(client.clientId, client.clientSecret)).not.toBeNull();
      expect(await authenticator.authenticate(client.clientId, client.clientSecret, new Date(Date.now() + 61_000))).toBeNull();
      const [row] = await sql<{ previous_secret_expires_at: Date }>(server, 'SELECT previous_secret_expires_at FROM clients WHERE client_id = $1', [
        client.clientId,
      ]);
      // 60 s after the moment the server handled the rotation, whenever that was (no bound on its speed).
      expect(row.previous_secret_expires_at.getTime()).toBeGreaterThanOrEqual(requestedAt + 60_000 - 1000);
      expect(row.previous_secret_expires_at.getTime()).toBeLessThanOrEqual(answeredAt + 60_000 + 1000);
    });

    it('validates the overlap and refuses public and unknown clients', async () => {
      const client = await createClient(server, { name: 'Rotate Bad' });
      for (const previousSecretValidForSeconds of [0, -1, 'sixty', 1.5, 2592001]) {
        const { status, body } = await call(server, 'POST', `/admin/v1/clients/${client.clientId}/secret`, { previousSecretValidForSeconds });
        expect([status, body.errors[0].field]).toEqual([400, 'previousSecretValidForSeconds']);
      }
      expect(await server.app.get(ClientAuthenticator).authenticate(client.clientId, client.clientSecret)).not.toBeNull();
      const spa = await createClient(server, { name: 'Rotate SPA', type: 'public', grants: ['implicit'] });
      expect((await call(server, 'POST', `/admin/v1/clients/${spa.clientId}/secret`, {})).status).toBe(409);
      expect((await call(server, 'POST', '/admin/v1/clients/unknown/secret', {})).status).toBe(404);
    });
  });

  describe('delete', () => {
    it('answers 204, removes tokens and associations, and emits client.deleted', async () => {
      const client = await createClient(server, { name: 'Doomed' });
      const [{ id: ref }] = await sql<{ id: string }>(server, 'SELECT id FROM clients WHERE client_id = $1', [client.clientId]);
      await sql(server, "INSERT INTO grants (client_ref, client_id, grant_type) VALUES ($1, $2, 'client_credentials')", [ref, client.clientId]);
      expect((await call(server, 'POST', `/admin/v1/clients/${client.clientId}/scopes`, { name: 'doomed:read' })).status).toBe(201);

      const { status, body } = await call(server, 'DELETE', `/admin/v1/clients/${client.clientId}`);
      expect([status, body]).toEqual([204, undefined]);
      expect(await sql(server, 'SELECT 1 FROM grants WHERE client_ref = $1', [ref])).toHaveLength(0);
      expect(await sql(server, 'SELECT 1 FROM client_scopes WHERE client_ref = $1', [ref])).toHaveLength(0);
      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).status).toBe(404);
      const events = await sql<{ kind: string; entity_version: string; payload: unknown }>(
        server,
        'SELECT kind, entity_version, payload FROM outbox_events WHERE entity_id = $1 ORDER BY seq DESC LIMIT 1',
        [client.clientId],
      );
      expect(events).toEqual([{ kind: 'client.deleted', entity_version: '3', payload: { clientId: client.clientId, entityVersion: 3 } }]);
      expect((await call(server, 'DELETE', `/admin/v1/clients/${client.clientId}`)).status).toBe(404);
    });
  });

  describe('list', () => {
    it('pages through clients with limit and nextCursor, and filters by name and active', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await createClient(server, { name: `Paged ${i}`, active: i % 2 === 0 })).clientId);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/admin/v1/clients?name=paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await call(server, 'GET', query);
        expect(status).toBe(200);
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((item: { clientId: string }) => item.clientId));
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      expect([seen, pages]).toEqual([created, 3]);
      const inactive = await call(server, 'GET', '/admin/v1/clients?name=PAGED&active=false');
      expect(inactive.body).toEqual({
        items: [expect.objectContaining({ clientId: created[1] }), expect.objectContaining({ clientId: created[3] })],
        nextCursor: null,
      });
      const wildcard = await call(server, 'GET', '/admin/v1/clients?name=%25');
      expect(wildcard.body.items).toEqual([]);
    });
  });

  describe('authentication', () => {
    it('answers 401 without credentials and with a wrong password (AD-1)', async () => {
      for (const headers of [{}, { authorization: basicAuthorization('admin', 'wrong-password') }] as Record<string, string>[]) {
        const response = await server.request('/admin/v1/clients', { method: 'POST', headers, json: aClient({ name: 'Nope' }) });
        expect([response.status, ((await response.json()) as Json).title]).toEqual([401, 'Unauthorized']);
      }
      expect(await sql(server, "SELECT 1 FROM clients WHERE name = 'Nope'")).toHaveLength(0);
    });

    it('answers 403 to a user without access_control (AD-2)', async () => {
      await sql(server, "INSERT INTO users (username, password_hash, permissions) VALUES ('viewer', $1, '[]')", [await hashPassword('viewer-password')]);
      const headers = { authorization: basicAuthorization('viewer', 'viewer-password') };
      for (const [method, path] of [
        ['GET', '/admin/v1/clients'],
        ['POST', '/admin/v1/clients'],
        ['GET', '/admin/v1/scopes'],
        ['PUT', '/admin/v1/clients/x/scopes/y'],
      ]) {
        const response = await server.request(path, { method, headers, json: method === 'POST' ? aClient({ name: 'Nope' }) : undefined });
        expect([path, response.status, ((await response.json()) as Json).title]).toEqual([path, 403, 'Forbidden']);
      }
      expect(await sql(server, "SELECT 1 FROM clients WHERE name = 'Nope'")).toHaveLength(0);
    });
  });
});
