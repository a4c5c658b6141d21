import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { decodeJwt, SignJWT } from 'jose';
import { eventually } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { call, count, sql, type Json } from '../support/clients-fixtures.js';
import { basic, clientCredentials, createUser, postForm } from '../support/token-fixtures.js';

// Two servers boot and a few dozen token requests run on a loaded CI machine.
jest.setTimeout(120_000);

const USER = { username: 'migrated-user', password: 'migrated-user-password' };
/** The same on both servers: a client_secret_jwt client's sealed secret opens on either. */
const ENCRYPTION_KEY = 'a-test-key-for-sealing-client-secrets-0123456789';

/** Issue 18, item 1: export, import into another installation, dry runs, conflicts and refusals that write nothing. */
describe('import and export (/admin/v1/export, /admin/v1/import)', () => {
  let source: RunningAuthServer;
  let target: RunningAuthServer;
  /** Clients created at the source, with the secrets shown once at their creation. */
  const created: { clientId: string; secret: string | null; scopes: string[] }[] = [];

  const exportOf = async (server: RunningAuthServer): Promise<Json> => {
    const { status, body } = await call(server, 'GET', '/admin/v1/export');
    expect(status).toBe(200);
    return body;
  };
  /** An export without its time: what two exports of an unchanged server share. */
  const contentOf = async (server: RunningAuthServer): Promise<Json> => ({ ...(await exportOf(server)), exportedAt: null });
  const importInto = (server: RunningAuthServer, file: unknown, dryRun = false) => call(server, 'POST', `/admin/v1/import${dryRun ? '?dryRun=true' : ''}`, file);
  const file = (sections: Record<string, unknown>) => ({ format: 'portcullis-export', version: 1, ...sections });

  beforeAll(async () => {
    [source, target] = [await startTestAuthServer({}, { CLIENT_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY }), await startTestAuthServer({}, { CLIENT_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY })];
    for (const name of ['billing.read', 'billing.write', 'reports.read']) expect((await call(source, 'POST', '/admin/v1/scopes', { name, description: `The ${name} scope` })).status).toBe(201);
    const clients = [
      { name: 'Billing App', version: '1.0', type: 'confidential', grants: ['client_credentials', 'password'], scopes: ['billing.read', 'billing.write'] },
      { name: 'Billing App', version: '2.0', type: 'confidential', grants: ['client_credentials'], scopes: ['billing.read'], accessTokenLifetime: { mode: 'seconds', seconds: 120 } },
      { name: 'Reports', version: '1.0', type: 'confidential', grants: ['client_credentials'], scopes: ['reports.read'], active: true, tokenEndpointAuthMethod: 'client_secret_post' },
      { name: 'Reports SPA', version: '1.0', type: 'public', grants: ['authorization_code'], redirectUris: ['https://reports.example.com/cb'], scopes: [] },
    ];
    for (const { scopes, ...body } of clients) {
      const response = await call(source, 'POST', '/admin/v1/clients', body);
      expect(response.status).toBe(201);
      for (const scope of scopes) expect((await call(source, 'PUT', `/admin/v1/clients/${response.body.clientId}/scopes/${scope}`)).status).toBe(204);
      created.push({ clientId: response.body.clientId, secret: response.body.clientSecret ?? null, scopes });
    }
    await createUser(source, USER.username, USER.password);
    expect((await call(source, 'POST', '/admin/v1/resources', { identifier: 'https://billing.example.com/api', name: 'Billing API', scopes: ['billing.read', 'billing.write'], clientId: created[1].clientId })).status).toBe(201);
    expect((await call(source, 'PATCH', '/admin/v1/settings', { accessTokenLifetimeSeconds: 900 })).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
  });

  describe('export', () => {
    it('writes the versioned file with every client, its associations and the hash of its secret, never a secret', async () => {
      const { headers } = await call(source, 'GET', '/admin/v1/export');
      expect(headers.get('cache-control')).toBe('no-store');
      const exported = await exportOf(source);
      expect(exported).toMatchObject({ format: 'portcullis-export', version: 1, exportedAt: expect.any(String), exportedBy: source.config.issuer, settings: expect.objectContaining({ accessTokenLifetimeSeconds: 900 }) });
      const byId = new Map((exported.clients as Json[]).map((client) => [client.clientId, client]));
      for (const { clientId, secret, scopes } of created) {
        expect(byId.get(clientId)).toMatchObject({ clientId, scopes });
        if (secret) expect(byId.get(clientId).secretHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
        else expect(byId.get(clientId)).not.toHaveProperty('secretHash');
      }
      const text = JSON.stringify(exported);
      for (const { secret } of created) if (secret) expect(text).not.toContain(secret);
      expect(text).not.toContain('clientSecret');
      // The console's client belongs to each installation, and so does the resource of its own admin API.
      expect(byId.has('portcullis-console')).toBe(false);
      expect((exported.resources as Json[]).map((resource) => resource.identifier)).toEqual(expect.arrayContaining(['https://billing.example.com/api']));
      expect((exported.resources as Json[]).map((resource) => resource.identifier)).not.toContain(source.config.issuer);
      expect((exported.users as Json[]).find((user) => user.username === USER.username)).toEqual({ username: USER.username, permissions: [], active: true, profile: {}, passwordHash: expect.stringMatching(/^scrypt\$/) });
    });

    it('needs an admin', async () => {
      expect((await source.request('/admin/v1/export')).status).toBe(401);
      expect((await source.request('/admin/v1/import', { method: 'POST', json: file({}) })).status).toBe(401);
    });
  });

  describe('round trip into a fresh installation', () => {
    let exported: Json;

    beforeAll(async () => {
      exported = await exportOf(source);
    });

    it('reports what a dry run would change and writes nothing', async () => {
      const before = await contentOf(target);
      const outbox = await count(target, 'outbox_events');
      const { status, body } = await importInto(target, exported, true);
      expect(status).toBe(200);
      expect(body).toMatchObject({ dryRun: true, applied: false });
      const clientRows = (body.rows as Json[]).filter((row) => row.section === 'clients');
      expect(clientRows).toEqual(created.map(({ clientId }, index) => ({ section: 'clients', index, key: clientId, action: 'create' })));
      expect(body.rows).toEqual(expect.arrayContaining([{ section: 'users', index: expect.any(Number), key: USER.username, action: 'create' }, { section: 'scopes', index: expect.any(Number), key: 'billing.read', action: 'create' }]));
      expect(body.summary.conflict).toBe(0);
      expect(await contentOf(target)).toEqual(before);
      expect(await count(target, 'outbox_events')).toBe(outbox);
    });

    it('imports, and every client gets tokens with its old secret and its old scopes', async () => {
      const { status, body } = await importInto(target, exported);
      expect([status, body.applied, body.summary.conflict]).toEqual([200, true, 0]);
      for (const { clientId, secret, scopes } of created.filter((client) => client.secret)) {
        // The billing scopes belong to the billing API (RFC 8707): its tokens carry them.
        const audience: Record<string, string> = scopes.some((scope) => scope.startsWith('billing.')) ? { resource: 'https://billing.example.com/api' } : {};
        const response = await clientCredentials(target, { id: '', clientId, secret: secret! }, audience);
        const token = (await response.json()) as Json;
        expect([clientId, response.status]).toEqual([clientId, 200]);
        expect((decodeJwt(token.access_token).scope as string).split(' ').sort()).toEqual([...scopes].sort());
      }
      // client_secret_post keeps working as such.
      const post = created[2];
      expect((await postForm(target, '/oauth/token', { grant_type: 'client_credentials', client_id: post.clientId, client_secret: post.secret! })).status).toBe(200);
      // A wrong secret is still refused.
      expect((await clientCredentials(target, { id: '', clientId: created[0].clientId, secret: 'not-the-secret' })).status).toBe(401);
    });

    it('keeps users able to log in with their passwords, and the lifetimes, resources and settings', async () => {
      const response = await postForm(target, '/oauth/token', { grant_type: 'password', username: USER.username, password: USER.password, scope: 'billing.read' }, { authorization: basic(created[0].clientId, created[0].secret!) });
      expect(response.status).toBe(200);
      const token = (await (await clientCredentials(target, { id: '', clientId: created[1].clientId, secret: created[1].secret! })).json()) as Json;
      expect(token.expires_in).toBe(120);
      const resources = await call(target, 'GET', '/admin/v1/resources');
      expect(resources.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ identifier: 'https://billing.example.com/api', clientId: created[1].clientId, scopes: ['billing.read', 'billing.write'] })]));
      expect((await call(target, 'GET', '/admin/v1/settings')).body.accessTokenLifetimeSeconds).toBe(900);
    });

    it('tells resource servers about every imported client and scope, as admin changes do (the outbox)', async () => {
      const rows = await sql<{ kind: string; entity_id: string; payload: Json }>(target, "SELECT kind, entity_id, payload FROM outbox_events WHERE kind IN ('client.upserted', 'scope.upserted') ORDER BY seq");
      for (const { clientId, scopes } of created) {
        const event = rows.filter((row) => row.kind === 'client.upserted' && row.entity_id === clientId).at(-1);
        expect(event?.payload).toMatchObject({ clientId, scopes: [...scopes].sort(), active: true });
      }
      expect(rows.filter((row) => row.kind === 'scope.upserted').map((row) => row.entity_id)).toEqual(expect.arrayContaining(['billing.read', 'billing.write', 'reports.read']));
    });

    it('finds everything unchanged when the same file comes again', async () => {
      const before = await contentOf(target);
      const { status, body } = await importInto(target, exported);
      expect(status).toBe(200);
      const actions = new Set((body.rows as Json[]).map((row) => row.action));
      expect([...actions]).toEqual(['unchanged']);
      expect(await contentOf(target)).toEqual(before);
    });

    it('audits the import with the outline of the file, not its secrets', async () => {
      await eventually(async () => (await count(target, "audit_events WHERE action = 'registry.import'")) >= 3, 5000, 'the import audit rows');
      const [row] = await sql<{ details: Json; actor: string }>(target, "SELECT details, actor FROM audit_events WHERE action = 'registry.import' ORDER BY id LIMIT 1");
      expect(row.actor).toBe('admin');
      expect(row.details.change).toEqual({ dryRun: true, format: 'portcullis-export', version: 1, rows: { scopes: expect.any(Number), clients: created.length, users: expect.any(Number), resources: expect.any(Number) }, settings: true });
      expect(JSON.stringify(row.details)).not.toMatch(/scrypt\$|secretHash/);
    });
  });

  describe('migrating from another product: secrets in the clear', () => {
    it('hashes the secret on import, never shows it, and the app keeps its credentials', async () => {
      const legacy = { clientId: 'wm-7c1f0e2a', secret: 'legacy-secret-from-webmethods-0001' };
      const { status, body } = await importInto(target, file({ clients: [{ clientId: legacy.clientId, name: 'Legacy ERP', version: '7.1', type: 'confidential', grants: ['client_credentials'], secret: legacy.secret, scopes: ['reports.read'] }] }));
      expect([status, body.rows]).toEqual([200, [{ section: 'clients', index: 0, key: legacy.clientId, action: 'create' }]]);
      expect(JSON.stringify(body)).not.toContain(legacy.secret);
      expect((await clientCredentials(target, { id: '', ...legacy })).status).toBe(200);
      const [stored] = await sql<{ secret_hash: string }>(target, 'SELECT secret_hash FROM clients WHERE client_id = $1', [legacy.clientId]);
      expect(stored.secret_hash).not.toContain(legacy.secret);
    });
  });

  describe('client_secret_jwt in the middle of a secret rotation', () => {
    /** RFC 7523 §2.2: an assertion HMAC-signed with the client secret. */
    const assertionWith = (server: RunningAuthServer, clientId: string, secret: string) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: clientId, sub: clientId, aud: server.config.issuer, jti: randomUUID(), iat: now, exp: now + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    };
    const tokenWith = async (server: RunningAuthServer, clientId: string, secret: string) =>
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertionWith(server, clientId, secret) })).status;

    it('carries the previous secret sealed: assertions signed with it keep working on the new server until the grace period ends', async () => {
      const registered = await call(source, 'POST', '/admin/v1/clients', { name: 'Signed Reports', version: '1.0', type: 'confidential', grants: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_jwt' });
      expect(registered.status).toBe(201);
      const { clientId, clientSecret: previous } = registered.body as { clientId: string; clientSecret: string };
      const rotated = await call(source, 'POST', `/admin/v1/clients/${clientId}/secret`, { previousSecretValidForSeconds: 300 });
      expect(rotated.status).toBe(200);
      const current = rotated.body.clientSecret as string;
      expect([await tokenWith(source, clientId, previous), await tokenWith(source, clientId, current)]).toEqual([200, 200]);

      const row = ((await exportOf(source)).clients as Json[]).find((client) => client.clientId === clientId);
      expect(row).toEqual(expect.objectContaining({ sealedSecret: expect.stringMatching(/^v1\./), previousSealedSecret: expect.stringMatching(/^v1\./), previousSecretHash: expect.any(String) }));
      expect(JSON.stringify(row)).not.toContain(previous);
      const imported = await importInto(target, file({ clients: [row] }));
      expect([imported.status, imported.body.applied]).toEqual([200, true]);

      expect([await tokenWith(target, clientId, previous), await tokenWith(target, clientId, current)]).toEqual([200, 200]);
      expect(await tokenWith(target, clientId, 'a-wrong-secret-of-some-length-000000')).toBe(401);
      // The same row again changes nothing: the sealed copies are compared as stored.
      const again = await importInto(target, file({ clients: [row] }), true);
      expect(again.body.rows).toEqual([{ section: 'clients', index: 0, key: clientId, action: 'unchanged' }]);
    });
  });

  // After the round trip: created[0] (password grant) is on the target.
  describe('users already on the server', () => {
    it('updates them in place: a new hash logs in, the profile changes, deactivation refuses their logins', async () => {
      const username = 'changed-by-import';
      const hash = ((await exportOf(source)).users as Json[]).find((user) => user.username === USER.username).passwordHash;
      const login = async () =>
        (await postForm(target, '/oauth/token', { grant_type: 'password', username, password: USER.password }, { authorization: basic(created[0].clientId, created[0].secret!) })).status;
      const stored = async () => (await call(target, 'GET', `/admin/v1/users?username=${username}`)).body.items[0];
      const imported = async (user: Record<string, unknown>) => (await importInto(target, file({ users: [{ username, ...user }] }))).body.rows;

      expect(await imported({})).toEqual([{ section: 'users', index: 0, key: username, action: 'create' }]);
      expect(await login()).toBe(400);
      expect(await imported({ passwordHash: hash, profile: { name: 'Changed By Import' } })).toEqual([{ section: 'users', index: 0, key: username, action: 'update', changes: ['profile', 'passwordHash'] }]);
      expect(await login()).toBe(200);
      expect(await stored()).toMatchObject({ active: true, profile: { name: 'Changed By Import' } });
      expect(await imported({ active: false })).toMatchObject([{ section: 'users', index: 0, key: username, action: 'update' }]);
      expect(await login()).toBe(400);
      expect(await stored()).toMatchObject({ active: false });
    });
  });

  describe('npm run export / npm run import (tools/import-export.mjs, through the admin API)', () => {
    // Asynchronous on purpose: the servers answer from this very process.
    const cli = (server: RunningAuthServer, ...args: string[]) =>
      promisify(execFile)(process.execPath, ['tools/import-export.mjs', ...args], { env: { PATH: process.env.PATH, PORTCULLIS_URL: server.baseUrl, ADMIN_PASSWORD: 'admin-password-for-tests' } });
    const folder = mkdtempSync(join(tmpdir(), 'portcullis-export-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('exports to a file only its owner reads, and imports it with a dry run first', async () => {
      const path = join(folder, 'export.json');
      await cli(source, 'export', path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 'portcullis-export', version: 1 });
      const dryRun = await cli(target, 'import', path, '--dry-run');
      expect(dryRun.stdout).toMatch(new RegExp(`^(create|unchanged) +clients\\[0\\] ${created[0].clientId}$`, 'm'));
      expect(dryRun.stdout).toMatch(/^dry run, nothing written: \d+ create, \d+ update, \d+ unchanged, 0 conflict, \d+ skipped$/m);
      expect((await cli(target, 'import', path)).stdout).toMatch(/^imported: /m);
    });

    // After the import above: Billing App 1.0 is there.
    it('fails with the rows of a refused import', async () => {
      const path = join(folder, 'bad.json');
      writeFileSync(path, JSON.stringify(file({ clients: [{ clientId: 'x', name: 'Billing App', version: '1.0', type: 'confidential', grants: ['client_credentials'], secret: 's' }] })));
      const refused = await cli(target, 'import', path).then(() => null, (error: { code: number; stdout: string; stderr: string }) => error);
      expect(refused?.code).toBe(1);
      expect(refused?.stdout).toContain('conflict  clients[0] x: a client named "Billing App" with version "1.0" already exists');
      expect(refused?.stderr).toContain('import refused (409): 1 row conflict with this server: nothing was imported');
    });
  });

  describe('refusals leave the database as it was', () => {
    const good = (suffix: string) => ({ clientId: `good-${suffix}`, name: `Good ${suffix}`, version: '1.0', type: 'confidential', grants: ['client_credentials'], secret: `a-secret-${suffix}` });

    it('refuses a file with one bad row among good ones: 400 naming the row and field, nothing written', async () => {
      const before = await contentOf(target);
      const { status, body, headers } = await importInto(target, file({ scopes: [{ name: 'fresh.scope' }], clients: [good('a'), { ...good('b'), redirectUris: ['not a uri'], grants: ['authorization_code'] }, good('c')] }));
      expect(status).toBe(400);
      expect(headers.get('content-type')).toContain('application/problem+json');
      expect(body).toMatchObject({ type: 'https://portcullis.dev/problems/validation', status: 400, errors: [{ field: 'clients[1].redirectUris[0]', message: expect.any(String) }] });
      expect(await contentOf(target)).toEqual(before);
    });

    it('refuses a conflicting import with 409 and the report of every row, nothing written', async () => {
      const before = await contentOf(target);
      const outbox = await count(target, 'outbox_events');
      const taken = { ...good('d'), name: 'billing app', version: '1.0' };
      const { status, body } = await importInto(target, file({ scopes: [{ name: 'fresh.scope' }], clients: [good('e'), taken, { ...good('f'), scopes: ['no.such.scope'] }] }));
      expect(status).toBe(409);
      expect(body).toMatchObject({
        type: 'https://portcullis.dev/problems/conflict',
        status: 409,
        detail: '2 rows conflict with this server: nothing was imported',
        errors: [
          { field: 'clients[1]', message: `a client named "billing app" with version "1.0" already exists on this server with the id ${created[0].clientId}` },
          { field: 'clients[2]', message: 'no scope named no.such.scope on this server or in the file' },
        ],
        report: { dryRun: false, applied: false, summary: { create: 2, update: 0, unchanged: 0, conflict: 2, skipped: 0 } },
      });
      expect(body.report.rows.map((row: Json) => [row.key, row.action])).toEqual([
        ['fresh.scope', 'create'],
        ['good-e', 'create'],
        ['good-d', 'conflict'],
        ['good-f', 'conflict'],
      ]);
      expect(await contentOf(target)).toEqual(before);
      expect(await count(target, 'outbox_events')).toBe(outbox);
    });

    it('reports the same conflicts in a dry run, with 200', async () => {
      const { status, body } = await importInto(target, file({ clients: [{ ...good('g'), name: 'Billing App', version: '2.0' }] }), true);
      expect([status, body.summary.conflict, body.rows[0].action]).toEqual([200, 1, 'conflict']);
    });

    it.each([
      ['another format', { format: 'keycloak-realm', version: 1 }, 'format'],
      ['an unknown version', { format: 'portcullis-export', version: 2 }, 'version'],
      ['a list', [], 'body'],
      ['an unknown section', { format: 'portcullis-export', version: 1, groups: [] }, 'groups'],
      ['a password in the clear', { format: 'portcullis-export', version: 1, users: [{ username: 'x', password: 'hunter2hunter2' }] }, 'users[0].password'],
      ['a password hash Portcullis cannot verify', { format: 'portcullis-export', version: 1, users: [{ username: 'x', passwordHash: '$2b$12$abcdefghijklmnopqrstuv' }] }, 'users[0].passwordHash'],
    ])('refuses %s with 400 naming the field', async (_, body, field) => {
      const before = await count(target, 'clients');
      const response = await importInto(target, body);
      expect([response.status, response.body.errors.map((error: Json) => error.field)]).toEqual([400, [field]]);
      expect(await count(target, 'clients')).toBe(before);
    });

    it('audits an import refused for its query with the outline of the file, not the file', async () => {
      // Redaction by field name would hide `secret` and `passwordHash`; names, ids and anything under another key would stay.
      const marker = 'refused-query-d41f';
      const body = file({
        clients: [{ ...good(marker), secret: `${marker}-secret`, description: `${marker}-description` }],
        users: [{ username: `${marker}-user`, passwordHash: `scrypt$16384$8$1$${marker}$key` }],
      });
      const response = await target.request('/admin/v1/import?dryRun=maybe', { method: 'POST', headers: { authorization: target.adminAuthorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      // Other refusals of this block are audited too: ours is the one carrying the file's marker, or outlining one client and one user.
      const ours = (details: Json) => JSON.stringify(details).includes(marker) || (details.change?.rows?.clients === 1 && details.change?.rows?.users === 1);
      const refusedRows = async () =>
        (await sql<{ details: Json }>(target, "SELECT details FROM audit_events WHERE action = 'registry.import' AND (details->>'status')::int = 400 ORDER BY id")).filter((row) => ours(row.details));
      await eventually(async () => (await refusedRows()).length === 1, 5000, 'the refused import audit row');
      const [row] = await refusedRows();
      expect(row.details.change).toEqual({ dryRun: 'maybe', format: 'portcullis-export', version: 1, rows: { scopes: 0, clients: 1, users: 1, resources: 0 }, settings: false });
      expect(JSON.stringify(row.details)).not.toContain(marker);
    });

    it('refuses a body that is not JSON, and one over the import limit, with 400', async () => {
      const notJson = await target.request('/admin/v1/import', { method: 'POST', headers: { authorization: target.adminAuthorization, 'content-type': 'application/json' }, body: '{"format":' });
      expect(notJson.status).toBe(400);
      const huge = JSON.stringify(file({ exportedBy: 'x', scopes: [{ name: 'a', description: 'y'.repeat(1000) }] })).replace('"x"', `"${'x'.repeat(9 * 1024 * 1024)}"`);
      const tooLarge = await target.request('/admin/v1/import', { method: 'POST', headers: { authorization: target.adminAuthorization, 'content-type': 'application/json' }, body: huge });
      expect([tooLarge.status, ((await tooLarge.json()) as Json).errors]).toEqual([400, [{ field: 'body', message: 'the request body is too large' }]]);
    });

    it('answers any file of the right shape with a report, a 400 or a 409, never a 500, and writes nothing unless it answers 200', async () => {
      const text = fc.oneof(fc.string(), fc.constantFrom('', '\u0000', 'a b', 'https://x.example.com/cb', 'billing.read', 'client_credentials', 'confidential'));
      const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }));
      const row = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });
      const files = fc.record({
        scopes: fc.array(row(['name', 'description', 'requiredPermission']), { maxLength: 2 }),
        clients: fc.array(row(['clientId', 'name', 'version', 'type', 'grants', 'redirectUris', 'secret', 'secretHash', 'scopes', 'jwks', 'active', 'accessTokenLifetime']), { maxLength: 2 }),
        users: fc.array(row(['username', 'permissions', 'active', 'profile', 'passwordHash']), { maxLength: 2 }),
        resources: fc.array(row(['identifier', 'name', 'scopes', 'clientId', 'accessTokenLifetimeSeconds']), { maxLength: 2 }),
        settings: row(['accessTokenLifetimeSeconds', 'dynamicRegistration', 'registrationPolicy', 'accessTokenAudience']),
      });
      await fc.assert(
        fc.asyncProperty(files, async (sections) => {
          const before = await contentOf(target);
          const response = await importInto(target, file(sections));
          expect([200, 400, 409]).toContain(response.status);
          if (response.status !== 200) expect(await contentOf(target)).toEqual(before);
        }),
        { numRuns: 60 },
      );
    });

    it('reads files larger than the rest of the admin API takes (up to 8 MiB)', async () => {
      const scopes = Array.from({ length: 1500 }, (_, index) => ({ name: `bulk.${index}`, description: 'd'.repeat(300) }));
      const body = file({ scopes });
      expect(JSON.stringify(body).length).toBeGreaterThan(256 * 1024);
      const response = await importInto(target, body, true);
      expect([response.status, response.body.summary.create]).toEqual([200, 1500]);
    });
  });
});
