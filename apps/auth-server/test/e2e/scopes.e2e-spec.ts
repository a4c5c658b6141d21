import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { call, count, createClient, expectRejected, sql, validationProblem } from '../support/clients-fixtures.js';

// Booting the app on a fresh (possibly embedded PGlite) database takes longer than jest's default 5 s.
jest.setTimeout(60_000);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('scopes and associations admin API', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const events = async (entityId: string) =>
    sql<{ kind: string; entity_version: string; payload: unknown }>(server, 'SELECT kind, entity_version, payload FROM outbox_events WHERE entity_id = $1 ORDER BY seq', [entityId]);
  const createScope = async (name: string, description = '') => {
    const { status, body } = await call(server, 'POST', '/admin/v1/scopes', { name, description });
    expect(status).toBe(201);
    return body;
  };

  describe('scopes', () => {
    it('creates a scope (201), reads it back and emits scope.upserted', async () => {
      const { status, body } = await call(server, 'POST', '/admin/v1/scopes', { name: 'billing:read', description: 'Read invoices' });
      expect([status, body]).toEqual([201, { name: 'billing:read', description: 'Read invoices', requiredPermission: null, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) }]);
      expect((await call(server, 'GET', '/admin/v1/scopes/billing:read')).body).toEqual(body);
      expect(await events('billing:read')).toEqual([{ kind: 'scope.upserted', entity_version: '1', payload: { name: 'billing:read', description: 'Read invoices', requiredPermission: null, entityVersion: 1 } }]);
    });

    it('accepts every scope-token character and the 128 character bound', async () => {
      const everyChar = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter((char) => char !== '"' && char !== '\\').join('');
      await createScope(everyChar);
      expect((await call(server, 'GET', `/admin/v1/scopes/${encodeURIComponent(everyChar)}`)).body.name).toBe(everyChar);
      await createScope('s'.repeat(128));
    });

    it.each([
      ['a space', 'billing read'],
      ['a double quote', 'billing"read'],
      ['a backslash', 'billing\\read'],
      ['a tab', 'billing\tread'],
      ['a non-ASCII letter', 'café'],
      ['a NUL', 'a\u0000b'],
      ['nothing', ''],
      ['129 characters', 's'.repeat(129)],
    ])('rejects a name with %s', async (_, name) => {
      await expectRejected(server, 'POST', '/admin/v1/scopes', { name }, 'name', 'scopes');
    });

    it('rejects wrong types and unknown fields', async () => {
      await expectRejected(server, 'POST', '/admin/v1/scopes', { name: 42 }, 'name', 'scopes');
      await expectRejected(server, 'POST', '/admin/v1/scopes', { name: 'ok', description: ['x'] }, 'description', 'scopes');
      await expectRejected(server, 'POST', '/admin/v1/scopes', { name: 'ok', description: 'd'.repeat(1001) }, 'description', 'scopes');
      await expectRejected(server, 'POST', '/admin/v1/scopes', { name: 'ok', entityVersion: 9 }, 'entityVersion', 'scopes');
      const { body } = await call(server, 'POST', '/admin/v1/scopes', { name: 'a b' });
      expect(body).toEqual(validationProblem([{ field: 'name', message: 'name must be 1 to 128 characters from %x21 / %x23-5B / %x5D-7E (RFC 6749 scope-token: no space, " or \\)' }]));
    });

    it('answers 409 for a duplicate name, also when two creates race', async () => {
      await createScope('dup');
      const before = await count(server, 'scopes');
      const { status, body } = await call(server, 'POST', '/admin/v1/scopes', { name: 'dup' });
      expect([status, body]).toEqual([409, { type: 'https://portcullis.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'a scope named "dup" already exists', errors: [{ field: 'name', message: 'scope names must be unique' }] }]);
      expect(await count(server, 'scopes')).toBe(before);
      const race = await Promise.all([1, 2].map(() => call(server, 'POST', '/admin/v1/scopes', { name: 'racy' })));
      expect(race.map((result) => result.status).sort()).toEqual([201, 409]);
    });

    it('changes only the description with PATCH', async () => {
      await createScope('patchable', 'old');
      const { status, body } = await call(server, 'PATCH', '/admin/v1/scopes/patchable', { description: 'new' });
      expect([status, body.name, body.description]).toEqual([200, 'patchable', 'new']);
      await expectRejected(server, 'PATCH', '/admin/v1/scopes/patchable', { name: 'renamed', description: 'x' }, 'name', 'scopes');
      await expectRejected(server, 'PATCH', '/admin/v1/scopes/patchable', {}, 'body', 'scopes');
      expect((await events('patchable')).map((event) => [event.kind, event.entity_version])).toEqual([['scope.upserted', '1'], ['scope.upserted', '2']]);
      expect((await call(server, 'PATCH', '/admin/v1/scopes/missing', { description: 'x' })).status).toBe(404);
    });

    it('answers 404 problems for unknown scopes', async () => {
      for (const [method, path] of [['GET', '/admin/v1/scopes/missing'], ['DELETE', '/admin/v1/scopes/missing'], ['GET', '/admin/v1/scopes/missing/clients'], ['GET', '/admin/v1/scopes/a%00b']]) {
        const { status, body } = await call(server, method, path);
        expect([path, status, body.title]).toEqual([path, 404, 'Not found']);
      }
    });

    it('pages through scopes by name', async () => {
      for (const name of ['page:e', 'page:c', 'page:a', 'page:d', 'page:b']) await createScope(name);
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/admin/v1/scopes?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await call(server, 'GET', path);
        expect(status).toBe(200);
        expect(body.items.length).toBeLessThanOrEqual(2);
        names.push(...body.items.map((item: { name: string }) => item.name));
        cursor = body.nextCursor;
      } while (cursor);
      expect(names.filter((name) => name.startsWith('page:'))).toEqual(['page:a', 'page:b', 'page:c', 'page:d', 'page:e']);
      expect(names).toHaveLength(await count(server, 'scopes'));
    });
  });

  describe('associations', () => {
    it('associates idempotently (204), lists both ways and emits client.scopes.set once', async () => {
      const client = await createClient(server, { name: 'Associated' });
      await createScope('orders:read');
      await createScope('orders:write');
      for (let i = 0; i < 2; i++) {
        const put = await call(server, 'PUT', `/admin/v1/clients/${client.clientId}/scopes/orders:read`);
        expect([put.status, put.body]).toEqual([204, undefined]);
      }
      expect((await call(server, 'PUT', `/admin/v1/clients/${client.clientId}/scopes/orders:write`)).status).toBe(204);

      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).body.scopes).toEqual(['orders:read', 'orders:write']);
      const scopes = await call(server, 'GET', `/admin/v1/clients/${client.clientId}/scopes`);
      expect([scopes.status, scopes.body.items.map((scope: { name: string }) => scope.name), scopes.body.nextCursor]).toEqual([200, ['orders:read', 'orders:write'], null]);
      const clients = await call(server, 'GET', '/admin/v1/scopes/orders:read/clients');
      expect([clients.status, clients.body.items.map((c: { clientId: string }) => c.clientId), clients.body.items[0].scopes]).toEqual([200, [client.clientId], ['orders:read', 'orders:write']]);

      expect((await events(client.clientId)).map((event) => [event.kind, event.entity_version, event.payload])).toEqual([
        ['client.upserted', '1', expect.objectContaining({ scopes: [] })],
        ['client.scopes.set', '2', { clientId: client.clientId, scopes: ['orders:read'], entityVersion: 2 }],
        ['client.scopes.set', '3', { clientId: client.clientId, scopes: ['orders:read', 'orders:write'], entityVersion: 3 }],
      ]);
    });

    it('disassociates idempotently (204 whether or not it was associated)', async () => {
      const client = await createClient(server, { name: 'Detached' });
      await createScope('detach:me');
      await call(server, 'PUT', `/admin/v1/clients/${client.clientId}/scopes/detach:me`);
      for (let i = 0; i < 2; i++) {
        const removed = await call(server, 'DELETE', `/admin/v1/clients/${client.clientId}/scopes/detach:me`);
        expect([removed.status, removed.body]).toEqual([204, undefined]);
      }
      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).body.scopes).toEqual([]);
      expect((await events(client.clientId)).map((event) => event.kind)).toEqual(['client.upserted', 'client.scopes.set', 'client.scopes.set']);
    });

    it('answers 404 for an unknown client or scope, writing nothing', async () => {
      const client = await createClient(server, { name: 'Lonely' });
      await createScope('exists');
      const outbox = await count(server, 'outbox_events');
      for (const [method, path] of [
        ['PUT', `/admin/v1/clients/${client.clientId}/scopes/missing`],
        ['PUT', '/admin/v1/clients/missing/scopes/exists'],
        ['DELETE', `/admin/v1/clients/${client.clientId}/scopes/missing`],
        ['DELETE', '/admin/v1/clients/missing/scopes/exists'],
        ['GET', '/admin/v1/clients/missing/scopes'],
        ['POST', '/admin/v1/clients/missing/scopes'],
      ]) {
        const { status, body } = await call(server, method, path, method === 'POST' ? { name: 'new-scope' } : undefined);
        expect([method, path, status, body.title]).toEqual([method, path, 404, 'Not found']);
      }
      expect(await count(server, 'outbox_events')).toBe(outbox);
      expect(await count(server, 'client_scopes')).toBe(Number((await sql<{ n: string }>(server, 'SELECT count(*) AS n FROM client_scopes'))[0].n));
      expect((await call(server, 'GET', '/admin/v1/scopes/new-scope')).status).toBe(404);
    });

    it('creates and associates a scope in one step (201)', async () => {
      const client = await createClient(server, { name: 'One Step' });
      const { status, body } = await call(server, 'POST', `/admin/v1/clients/${client.clientId}/scopes`, { name: 'step:one', description: 'made here' });
      expect([status, body]).toEqual([201, { name: 'step:one', description: 'made here', requiredPermission: null, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) }]);
      expect((await call(server, 'GET', `/admin/v1/clients/${client.clientId}`)).body.scopes).toEqual(['step:one']);
      expect((await events('step:one')).map((event) => event.kind)).toEqual(['scope.upserted']);
      expect((await events(client.clientId)).map((event) => event.kind)).toEqual(['client.upserted', 'client.scopes.set']);
      const again = await call(server, 'POST', `/admin/v1/clients/${client.clientId}/scopes`, { name: 'step:one' });
      expect(again.status).toBe(409);
      await expectRejected(server, 'POST', `/admin/v1/clients/${client.clientId}/scopes`, { name: 'two words' }, 'name', 'scopes');
    });

    it('deleting a scope removes its associations and announces the new scope sets', async () => {
      const first = await createClient(server, { name: 'Holder A' });
      const second = await createClient(server, { name: 'Holder B' });
      await createScope('doomed');
      await createScope('kept');
      for (const client of [first, second]) await call(server, 'PUT', `/admin/v1/clients/${client.clientId}/scopes/doomed`);
      await call(server, 'PUT', `/admin/v1/clients/${first.clientId}/scopes/kept`);

      const { status } = await call(server, 'DELETE', '/admin/v1/scopes/doomed');
      expect(status).toBe(204);
      expect((await call(server, 'GET', '/admin/v1/scopes/doomed')).status).toBe(404);
      expect((await call(server, 'GET', `/admin/v1/clients/${first.clientId}`)).body.scopes).toEqual(['kept']);
      expect((await call(server, 'GET', `/admin/v1/clients/${second.clientId}`)).body.scopes).toEqual([]);
      expect((await events('doomed')).map((event) => [event.kind, event.payload])).toEqual([
        ['scope.upserted', { name: 'doomed', description: '', requiredPermission: null, entityVersion: 1 }],
        ['scope.deleted', { name: 'doomed', entityVersion: 2 }],
      ]);
      const [lastFirst] = (await events(first.clientId)).slice(-1);
      expect([lastFirst.kind, lastFirst.payload]).toEqual(['client.scopes.set', { clientId: first.clientId, scopes: ['kept'], entityVersion: 4 }]);
      const [lastSecond] = (await events(second.clientId)).slice(-1);
      expect([lastSecond.kind, lastSecond.payload]).toEqual(['client.scopes.set', { clientId: second.clientId, scopes: [], entityVersion: 3 }]);
    });
  });
});
