import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { metricValue } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** The synced registry: snapshot, events, local disable (RS-11), revocations (CONTRACT "Events"). */
describe('resource server: registry sync and enforcement', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let seq = 0;
  let adminToken: string;

  /** Publishes the next event in order and waits until it is applied (the 1 s promise). */
  async function publish(kind: Parameters<typeof envelope>[1], entityVersion: number, payload: Parameters<typeof envelope>[3]): Promise<void> {
    seq++;
    rs.publish(envelope(seq, kind, entityVersion, payload as never));
    await rs.waitForSeq(seq, 1000);
  }

  async function status(token: string, path = '/api/me'): Promise<number> {
    return (await rs.request(path, { token })).status;
  }

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    adminToken = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin', gid: 'admin-grant' });
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('answers 503 until the first snapshot is loaded, then serves', async () => {
    const response = await rs.request('/api/me', { token: await authServer.sign() });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await rs.request('/health/ready')).status).toBe(503);
    authServer.snapshot = registrySnapshot();
    await rs.waitUntilReady();
    expect(await status(await authServer.sign())).toBe(200);
    expect((await rs.request('/health/ready')).status).toBe(200);
  });

  it('reports the sync state at /admin/v1/sync', async () => {
    const response = await rs.request('/admin/v1/sync', { token: adminToken });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ transport: 'in-process', connected: true, lastAppliedSeq: 0, lag: 0, snapshotLoadedAt: expect.any(String) });
  });

  it('learns a new client from an event', async () => {
    const token = await authServer.sign({ client_id: 'late', sub: 'late' });
    expect(await status(token)).toBe(401);
    await publish('client.upserted', 1, clientSnapshot({ clientId: 'late', name: 'Late' }));
    expect(await status(token)).toBe(200);
  });

  it('refuses a client deactivated at the auth server, and compares versions, not arrival order', async () => {
    const token = await authServer.sign({ client_id: 'late', sub: 'late' });
    await publish('client.upserted', 3, clientSnapshot({ clientId: 'late', name: 'Late', active: false, entityVersion: 3 }));
    expect(await status(token)).toBe(401);
    // An older version arriving later is ignored (SECURITY-CHECKLIST F-6).
    await publish('client.upserted', 2, clientSnapshot({ clientId: 'late', name: 'Late', active: true, entityVersion: 2 }));
    expect(await status(token)).toBe(401);
    await publish('client.upserted', 4, clientSnapshot({ clientId: 'late', name: 'Late', active: true, entityVersion: 4 }));
    expect(await status(token)).toBe(200);
  });

  it('ignores a redelivered event and counts it (F-5)', async () => {
    const duplicates = async () => metricValue(await (await rs.request('/metrics')).text(), 'sync_events_duplicate_total');
    const before = await duplicates();
    const applied = rs.lastAppliedSeq();
    const sync = (await import('#resource-guard')).RegistrySyncService;
    for (const seq of [applied - 1, applied]) {
      await rs.app.get(sync).apply(envelope(seq, 'client.upserted', 9, clientSnapshot({ clientId: 'late', active: false, entityVersion: 9 })));
    }
    expect(rs.lastAppliedSeq()).toBe(applied);
    expect(await status(await authServer.sign({ client_id: 'late', sub: 'late' }))).toBe(200);
    expect(await duplicates()).toBe(before + 2);
  });

  it('refuses a token whose grant was revoked', async () => {
    const revoked = await authServer.sign({ gid: 'grant-revoked' });
    const other = await authServer.sign({ gid: 'grant-kept' });
    expect(await status(revoked)).toBe(200);
    await publish('tokens.revoked', 1, { clientId: 'app', grantIds: ['grant-revoked'], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(await status(revoked)).toBe(401);
    expect(await status(other)).toBe(200);
  });

  it('refuses every token issued before a client-wide revocation', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await authServer.sign({ client_id: 'late', sub: 'late', iat: now - 5 });
    expect(await status(old)).toBe(200);
    await publish('tokens.revoked', 1, { clientId: 'late', revokedBefore: new Date((now - 2) * 1000).toISOString(), expiresAt: null });
    expect(await status(old)).toBe(401);
    expect(await status(await authServer.sign({ client_id: 'late', sub: 'late', iat: now }))).toBe(200);
  });

  it('RS-11: a scope deleted at the auth server no longer grants access', async () => {
    const token = await authServer.sign({ scope: 'reports.read reports.write' });
    expect(await status(token, '/api/reports')).toBe(200);
    await publish('scope.deleted', 1, { name: 'reports.read', entityVersion: 1 });
    expect(await status(token, '/api/reports')).toBe(403);
    await publish('scope.upserted', 2, { name: 'reports.read', description: 'back', requiredPermission: null, entityVersion: 2 });
    expect(await status(token, '/api/reports')).toBe(200);
  });

  it('a scope taken from the client no longer grants access', async () => {
    const token = await authServer.sign({ scope: 'reports.read reports.write' });
    await publish('client.scopes.set', 1, { clientId: 'app', scopes: ['reports.write'], entityVersion: 1 });
    expect(await status(token, '/api/reports')).toBe(403);
    await publish('client.scopes.set', 2, { clientId: 'app', scopes: ['reports.read', 'reports.write'], entityVersion: 2 });
    expect(await status(token, '/api/reports')).toBe(200);
  });

  it('lists clients and scopes for rs.admin', async () => {
    const clients = await rs.request('/admin/v1/clients', { token: adminToken });
    expect(clients.status).toBe(200);
    expect(((await clients.json()) as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([
        { clientId: 'app', name: 'App', version: '1.0', type: 'confidential', active: true, enabled: true, scopes: ['reports.read', 'reports.write'] },
      ]),
    );
    const scopes = await rs.request('/admin/v1/scopes', { token: adminToken });
    expect(((await scopes.json()) as { items: { name: string }[] }).items.map((scope) => scope.name)).toEqual(['reports.read', 'reports.write', 'rs.admin']);
  });

  it('PATCH validates its body and answers 404 for an unknown client', async () => {
    expect((await rs.request('/admin/v1/clients/nope', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(404);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: 'no' } })).status).toBe(400);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false, active: true } })).status).toBe(400);
  });

  it('RS-11: a locally disabled client is refused, across events, restarts and resyncs', async () => {
    const token = await authServer.sign();
    const patch = await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ clientId: 'app', enabled: false, active: true });
    const refused = await rs.request('/api/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

    await publish('client.upserted', 5, clientSnapshot({ entityVersion: 5, name: 'App renamed' }));
    expect(await status(token)).toBe(401);

    await rs.restart();
    expect(await status(token)).toBe(401);

    // A gap makes the transport resync from the snapshot, which must keep the local flag.
    const snapshotsBefore = authServer.snapshotRequests;
    seq += 5;
    // Fetched after the event arrived, a real snapshot covers it (the relay publishes only what is committed).
    authServer.snapshot = registrySnapshot({ seq: seq + 1 });
    rs.publish(envelope(seq + 1, 'scope.upserted', 1, { name: 'extra', description: '', requiredPermission: null, entityVersion: 1 }));
    seq += 1;
    await rs.waitForSeq(seq, 2000);
    expect(authServer.snapshotRequests).toBeGreaterThan(snapshotsBefore);
    expect(await status(token)).toBe(401);

    const enabled = await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } });
    expect(await enabled.json()).toMatchObject({ enabled: true });
    expect(await status(token)).toBe(200);
  });

  it('a client deleted at the auth server is refused', async () => {
    const token = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin' });
    expect(await status(token)).toBe(200);
    // As at the auth server, its snapshot no longer lists the client: the registry's catch-up on an
    // unknown client (RegistryCatchUp) loads it and finds the client gone.
    authServer.snapshot = { ...authServer.snapshot!, clients: authServer.snapshot!.clients.filter((client) => client.clientId !== 'admin-tool') };
    await publish('client.deleted', 1, { clientId: 'admin-tool', entityVersion: 1 });
    expect(await status(token)).toBe(401);
  });
});
