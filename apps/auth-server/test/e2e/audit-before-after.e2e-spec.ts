import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { hashClientSecret } from '../../src/clients/client-secret.js';
import { sql } from '../support/token-fixtures.js';

interface AuditItem {
  action: string;
  targetId: string | null;
  details: { status: number; change: unknown; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };
}

const USER = { username: 'bob', password: 'bob-password-5c4d3e2f' };
const NEW_PASSWORD = 'bob-new-password-7a8b9c0d';

describe('audit trail: before and after of admin changes', () => {
  let server: RunningAuthServer;
  let admin: Record<string, string>;
  let clientId = '';
  let userId = '';
  /** Every secret value and stored hash the changes handled: none may reach audit_events. */
  const secrets: string[] = [TEST_ADMIN.password, USER.password, NEW_PASSWORD];

  async function call(path: string, method: string, json?: unknown): Promise<Response> {
    return server.request(path, { method, headers: admin, ...(json === undefined ? {} : { json }) });
  }

  async function lastEvent(action: string): Promise<AuditItem> {
    const response = await server.request(`/admin/v1/audit?action=${action}&limit=1`, { headers: admin });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: AuditItem[] };
    expect(items).toHaveLength(1);
    return items[0];
  }

  async function storedHashes(): Promise<string[]> {
    const clients = await sql<{ secret_hash: string | null; previous_secret_hash: string | null }>(
      server,
      'SELECT secret_hash, previous_secret_hash FROM clients',
    );
    const users = await sql<{ password_hash: string }>(server, 'SELECT password_hash FROM users');
    return [...clients.flatMap((row) => [row.secret_hash, row.previous_secret_hash]), ...users.map((row) => row.password_hash)].filter(
      (hash): hash is string => !!hash,
    );
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    admin = { authorization: server.adminAuthorization };
    expect((await call('/admin/v1/scopes', 'POST', { name: 'read', description: 'old words' })).status).toBe(201);
    const created = await call('/admin/v1/clients', 'POST', {
      name: 'Before App',
      version: '1',
      type: 'confidential',
      grants: ['client_credentials'],
      description: 'first',
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as { clientId: string; clientSecret: string };
    clientId = client.clientId;
    secrets.push(client.clientSecret, hashClientSecret(client.clientSecret));
    const user = await call('/admin/v1/users', 'POST', { ...USER, permissions: [] });
    expect(user.status).toBe(201);
    userId = ((await user.json()) as { id: string }).id;
    secrets.push(...(await storedHashes()));
  });
  afterAll(async () => {
    await server.close();
  });

  it('PATCH of a client: before holds the old values, after the new ones', async () => {
    expect((await call(`/admin/v1/clients/${clientId}`, 'PATCH', { description: 'second', active: false })).status).toBe(200);
    const event = await lastEvent('client.updated');
    expect(event.targetId).toBe(clientId);
    expect(event.details.change).toEqual({ description: 'second', active: false });
    expect(event.details.before).toMatchObject({ clientId, name: 'Before App', description: 'first', active: true, scopes: [] });
    expect(event.details.after).toMatchObject({ clientId, name: 'Before App', description: 'second', active: false });
  });

  it('activation, scope association and secret rotation show the state on both sides', async () => {
    expect((await call(`/admin/v1/clients/${clientId}`, 'PATCH', { active: true })).status).toBe(200);
    expect((await lastEvent('client.updated')).details).toMatchObject({ before: { active: false }, after: { active: true } });

    expect((await call(`/admin/v1/clients/${clientId}/scopes/read`, 'PUT')).status).toBe(204);
    expect((await lastEvent('client.scope.associated')).details).toMatchObject({ status: 204, before: { scopes: [] }, after: { scopes: ['read'] } });

    const rotated = await call(`/admin/v1/clients/${clientId}/secret`, 'POST', { previousSecretValidForSeconds: 60 });
    expect(rotated.status).toBe(200);
    secrets.push(((await rotated.json()) as { clientSecret: string }).clientSecret, ...(await storedHashes()));
    const rotation = await lastEvent('client.secret.rotated');
    expect(rotation.details.before).toMatchObject({ clientId, scopes: ['read'] });
    expect(rotation.details.after).toMatchObject({ clientId, scopes: ['read'] });
    expect(rotation.details.after).not.toHaveProperty('clientSecret');
  });

  it('scopes, users and settings', async () => {
    expect((await call('/admin/v1/scopes/read', 'PATCH', { description: 'new words' })).status).toBe(200);
    expect((await lastEvent('scope.updated')).details).toMatchObject({
      before: { name: 'read', description: 'old words' },
      after: { description: 'new words' },
    });

    expect((await call(`/admin/v1/users/${userId}`, 'PATCH', { password: NEW_PASSWORD, active: false })).status).toBe(200);
    secrets.push(...(await storedHashes()));
    const userUpdated = await lastEvent('user.updated');
    expect(userUpdated.details).toMatchObject({
      change: { password: '[redacted]', active: false },
      before: { id: userId, username: USER.username, active: true },
      after: { active: false },
    });

    const before = (await (await call('/admin/v1/settings', 'GET')).json()) as { accessTokenLifetimeSeconds: number };
    expect((await call('/admin/v1/settings', 'PATCH', { accessTokenLifetimeSeconds: before.accessTokenLifetimeSeconds + 60 })).status).toBe(200);
    expect((await lastEvent('settings.updated')).details).toMatchObject({
      before: { accessTokenLifetimeSeconds: before.accessTokenLifetimeSeconds },
      after: { accessTokenLifetimeSeconds: before.accessTokenLifetimeSeconds + 60 },
    });
  });

  it('DELETE: before holds what was deleted, after is null', async () => {
    expect((await call(`/admin/v1/clients/${clientId}`, 'DELETE')).status).toBe(204);
    const deleted = await lastEvent('client.deleted');
    expect(deleted.details).toMatchObject({ status: 204, before: { clientId, name: 'Before App', description: 'second', scopes: ['read'] }, after: null });

    expect((await call(`/admin/v1/users/${userId}`, 'DELETE')).status).toBe(204);
    expect((await lastEvent('user.deleted')).details).toMatchObject({ before: { id: userId, username: USER.username }, after: null });
  });

  it('a change to a target that does not exist records before null and no after', async () => {
    expect((await call('/admin/v1/clients/no-such-client', 'PATCH', { description: 'x' })).status).toBe(404);
    const event = await lastEvent('client.updated');
    expect(event).toMatchObject({ targetId: 'no-such-client', details: { status: 404, before: null } });
    expect(event.details).not.toHaveProperty('after');
    expect((await call('/admin/v1/users/not-a-uuid', 'DELETE')).status).toBe(404);
    expect((await lastEvent('user.deleted')).details).toMatchObject({ status: 404, before: null });
  });

  it('no secret, password or stored hash in any audit row', async () => {
    await server.request('/admin/v1/audit?limit=1', { headers: admin }); // flushes the buffer
    const rows = await sql<{ row: string }>(server, 'SELECT row_to_json(audit_events)::text AS row FROM audit_events');
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    expect(rows.filter(({ row }) => secrets.some((secret) => row.includes(secret)))).toEqual([]);
    expect(rows.filter(({ row }) => /scrypt\$|secretHash|passwordHash|password_hash/.test(row))).toEqual([]);
  });
});
