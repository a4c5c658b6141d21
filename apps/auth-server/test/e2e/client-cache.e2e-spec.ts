import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { generateClientSecret, hashClientSecret } from '../../src/clients/client-secret.js';
import { basic, createClient, postForm, sql } from '../support/token-fixtures.js';

jest.setTimeout(60_000);

/**
 * Clients are cached per instance (ClientCache). A change through this instance's admin API takes
 * effect at once; one made by another instance (simulated: the row changed and an outbox event
 * appended, as every registry change does) within about a second (RegistryChangeMarker).
 */
describe('client cache invalidation', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const token = (clientId: string, secret: string) =>
    postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
  const admin = (path: string, method: string, body?: unknown) =>
    server.request(`/admin/v1/clients/${path}`, {
      method,
      headers: { authorization: server.adminAuthorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('deactivation and secret rotation through the admin API apply to the very next request', async () => {
    const client = await createClient(server);
    expect((await token(client.clientId, client.secret)).status).toBe(200);
    const rotated = await admin(`${client.clientId}/secret`, 'POST', {});
    const { clientSecret } = (await rotated.json()) as { clientSecret: string };
    expect((await token(client.clientId, client.secret)).status).toBe(401);
    expect((await token(client.clientId, clientSecret)).status).toBe(200);
    expect((await admin(client.clientId, 'PATCH', { active: false })).status).toBe(200);
    expect((await token(client.clientId, clientSecret)).status).toBe(401);
  });

  it('a scope disassociated through the admin API is refused at once', async () => {
    const client = await createClient(server, { scopes: ['cache.a', 'cache.b'] });
    const scoped = () =>
      postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'cache.b' }, { authorization: basic(client.clientId, client.secret) });
    expect((await scoped()).status).toBe(200);
    expect((await admin(`${client.clientId}/scopes/cache.b`, 'DELETE')).status).toBe(204);
    expect((await scoped()).status).toBe(400);
  });

  it('a resource registered by another instance is usable within a second (its catalogue version polled with the registry)', async () => {
    const client = await createClient(server);
    const withResource = () =>
      postForm(server, '/oauth/token', { grant_type: 'client_credentials', resource: 'https://elsewhere.example/api' }, { authorization: basic(client.clientId, client.secret) });
    expect((await withResource()).status).toBe(400);
    await sql(server, `INSERT INTO resources (identifier, name) VALUES ('https://elsewhere.example/api', 'Elsewhere')`);
    await sql(server, 'UPDATE resource_catalog_version SET version = version + 1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await withResource()).status).toBe(200);
  });

  it('a change committed by another instance is seen within a second', async () => {
    const client = await createClient(server);
    expect((await token(client.clientId, client.secret)).status).toBe(200);
    await sql(server, 'UPDATE clients SET active = false WHERE id = $1', [client.id]);
    await sql(server, `INSERT INTO outbox_events (kind, entity_id, entity_version, payload) VALUES ('client.upserted', $1, 99, '{}')`, [client.clientId]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await token(client.clientId, client.secret)).status).toBe(401);
  });

  it('a secret accepted before (remembered with the cached client) is refused once another instance replaces it', async () => {
    const client = await createClient(server);
    for (let i = 0; i < 3; i++) expect((await token(client.clientId, client.secret)).status).toBe(200);
    const replacement = generateClientSecret();
    await sql(server, 'UPDATE clients SET secret_hash = $2 WHERE id = $1', [client.id, hashClientSecret(replacement)]);
    await sql(server, `INSERT INTO outbox_events (kind, entity_id, entity_version, payload) VALUES ('client.upserted', $1, 98, '{}')`, [client.clientId]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await token(client.clientId, client.secret)).status).toBe(401);
    expect((await token(client.clientId, replacement)).status).toBe(200);
  });

  it('introspection: a cached live grant is inactive right after a revocation or a deactivation here', async () => {
    const caller = await createClient(server, { introspection: true });
    const subject = await createClient(server);
    const introspect = async (value: string) =>
      (
        (await (await postForm(server, '/oauth/introspect', { token: value }, { authorization: basic(caller.clientId, caller.secret) })).json()) as {
          active: boolean;
        }
      ).active;
    const issue = async () => ((await (await token(subject.clientId, subject.secret)).json()) as { access_token: string }).access_token;
    const revoked = await issue();
    expect(await introspect(revoked)).toBe(true);
    await postForm(server, '/oauth/revoke', { token: revoked }, { authorization: basic(subject.clientId, subject.secret) });
    expect(await introspect(revoked)).toBe(false);
    const other = await issue();
    expect(await introspect(other)).toBe(true);
    expect((await admin(subject.clientId, 'PATCH', { active: false })).status).toBe(200);
    expect(await introspect(other)).toBe(false);
  });
});
