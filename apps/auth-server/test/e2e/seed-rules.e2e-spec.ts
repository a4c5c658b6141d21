import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, patchClient, tokenRequest } from '../support/authorize-flow.helpers.js';
import { call, count, createClient, expectRejected, sql, validationProblem } from '../support/clients-fixtures.js';

// Booting the app on a fresh (possibly embedded PGlite) database takes longer than jest's default 5 s.
jest.setTimeout(60_000);

interface AuditItem {
  action: string;
  targetId: string | null;
  details: { method: string; route: string; status: number; change: unknown; before?: { scopes: string[] } | null; after?: { scopes: string[] } | null };
}

/**
 * Issue 18 item 2, the seed's remaining rules at the admin API: several existing scopes associated
 * in one request (PATCH /admin/v1/clients/{clientId}/scopes, all or none), and an empty refresh
 * limit that means "no refresh token".
 */
describe('the seed rules: batch association and the empty refresh limit', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
    for (const name of ['orders.read', 'orders.write', 'orders.admin']) expect((await call(server, 'POST', '/admin/v1/scopes', { name })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  const scopesSet = (clientId: string) =>
    sql<{ entity_version: string; payload: { scopes: string[] } }>(server, `SELECT entity_version, payload FROM outbox_events WHERE entity_id = $1 AND kind = 'client.scopes.set' ORDER BY seq`, [clientId]);
  const associated = async (clientId: string) => ((await call(server, 'GET', `/admin/v1/clients/${clientId}`)).body as { scopes: string[] }).scopes;
  const batch = (clientId: string, json: unknown) => call(server, 'PATCH', `/admin/v1/clients/${clientId}/scopes`, json);

  describe('PATCH /admin/v1/clients/{clientId}/scopes', () => {
    it('associates several scopes in one change: 204, one version, one client.scopes.set with all of them', async () => {
      const client = await createClient(server, { name: 'Batch' });
      expect(await batch(client.clientId, { associate: ['orders.write', 'orders.read'] })).toMatchObject({ status: 204, body: undefined });
      expect((await associated(client.clientId)).sort()).toEqual(['orders.read', 'orders.write']);
      const events = await scopesSet(client.clientId);
      expect(events).toHaveLength(1);
      expect(events[0].payload.scopes.sort()).toEqual(['orders.read', 'orders.write']);
    });

    it('is idempotent: associated scopes change nothing, and only the new ones count', async () => {
      const client = await createClient(server, { name: 'Again' });
      await batch(client.clientId, { associate: ['orders.read'] });
      const before = await call(server, 'GET', `/admin/v1/clients/${client.clientId}`);
      expect((await batch(client.clientId, { associate: ['orders.read'] })).status).toBe(204);
      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).body.updatedAt).toBe(before.body.updatedAt);
      expect(await scopesSet(client.clientId)).toHaveLength(1);

      expect((await batch(client.clientId, { associate: ['orders.read', 'orders.admin'] })).status).toBe(204);
      expect((await associated(client.clientId)).sort()).toEqual(['orders.admin', 'orders.read']);
      const events = await scopesSet(client.clientId);
      expect(events.map((event) => event.payload.scopes.sort())).toEqual([['orders.read'], ['orders.admin', 'orders.read']]);
      expect(Number(events[1].entity_version)).toBeGreaterThan(Number(events[0].entity_version));
    });

    it('associates nothing when a scope is unknown, and names every unknown one by its place in the body', async () => {
      const client = await createClient(server, { name: 'Rolled Back' });
      const outbox = await count(server, 'outbox_events');
      const { status, body } = await batch(client.clientId, { associate: ['orders.read', 'no.such', 'orders.write', 'nor.this'] });
      expect({ status, body }).toEqual({
        status: 400,
        body: validationProblem([
          { field: 'associate[1]', message: 'no scope named no.such' },
          { field: 'associate[3]', message: 'no scope named nor.this' },
        ]),
      });
      expect(await associated(client.clientId)).toEqual([]);
      expect(await count(server, 'outbox_events')).toBe(outbox);
    });

    it('refuses a malformed body with 400 naming the field, and an unknown client with 404', async () => {
      const client = await createClient(server, { name: 'Malformed' });
      const path = `/admin/v1/clients/${client.clientId}/scopes`;
      for (const json of [{}, { associate: [] }, { associate: 'orders.read' }, { associate: ['orders.read', 'orders.read'] }, { associate: ['two words'] }, { associate: [7] }]) {
        await expectRejected(server, 'PATCH', path, json, 'associate', 'client_scopes');
      }
      await expectRejected(server, 'PATCH', path, { associate: ['orders.read'], extra: true }, 'extra', 'client_scopes');
      const missing = await batch('no-such-client', { associate: ['orders.read'] });
      expect(missing).toMatchObject({ status: 404, body: { status: 404, detail: 'no client with the id no-such-client' } });
    });

    it('is audited as an association: who, the body, and the scopes before and after', async () => {
      const client = await createClient(server, { name: 'Audited' });
      await batch(client.clientId, { associate: ['orders.read', 'orders.write'] });
      await batch(client.clientId, { associate: ['orders.read', 'missing.scope'] });
      const response = await call(server, 'GET', `/admin/v1/audit?action=client.scope.associated&targetId=${client.clientId}`);
      expect(response.status).toBe(200);
      // Newest first: the refused batch, then the one that associated.
      const [failed, succeeded] = response.body.items as AuditItem[];
      expect(succeeded).toMatchObject({ action: 'client.scope.associated', targetId: client.clientId, actor: TEST_ADMIN.username, actorType: 'user' });
      expect(succeeded.details).toMatchObject({ method: 'PATCH', route: '/admin/v1/clients/:clientId/scopes', status: 204, change: { associate: ['orders.read', 'orders.write'] }, before: { scopes: [] } });
      expect(succeeded.details.after?.scopes.sort()).toEqual(['orders.read', 'orders.write']);
      expect(failed.details).toMatchObject({ status: 400, change: { associate: ['orders.read', 'missing.scope'] } });
    });
  });

  describe('an empty refresh limit', () => {
    it('means no refresh token in the code flow, for a client that had unlimited refreshes', async () => {
      const client = await createTestClient(server, { type: 'confidential', scopes: ['orders.read'], refreshCount: { mode: 'unlimited' } });
      await patchClient(server, client.clientId, { refreshCount: { mode: 'limited', limit: null } });
      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).body.refreshCount).toEqual({ mode: 'limited', limit: 0 });

      const { location } = await authorizeThroughPages(server, authorizePath({ response_type: 'code', client_id: client.clientId, state: 's' }), TEST_ADMIN);
      const { status, body } = await tokenRequest(server, { grant_type: 'authorization_code', code: codeFrom(location, client.redirectUris[0], 's') }, client);
      expect(status).toBe(200);
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'orders.read' });
    });
  });
});
