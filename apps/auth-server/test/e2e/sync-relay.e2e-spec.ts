import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { basicAuthorization, startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { envelopeFromFields, fetchRegistrySnapshot, type SyncEnvelope } from '#sync';
import { eventually, insertOutboxRow, RESOURCE_CLIENT, sqlClient, unpublishedCount } from '../support/sync-helpers.js';

// Booting the app on an embedded PGlite (no TEST_DATABASE_URL) takes longer than jest's default.
jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('auth-server sync over Redis: outbox relay, resource client, snapshot', () => {
  const stream = `test:sync-relay:${randomUUID()}`;
  let server: RunningAuthServer;
  let db: pg.Client;
  let redis: Redis;

  const streamEnvelopes = async (): Promise<{ id: string; envelope: SyncEnvelope }[]> => {
    const entries = await redis.xrange(stream, '-', '+');
    return entries.map(([id, fields]) => ({ id, envelope: envelopeFromFields(fields) as SyncEnvelope }));
  };

  beforeAll(async () => {
    server = await startTestAuthServer({ redisUrl: REDIS_URL, syncStream: stream }, RESOURCE_CLIENT);
    db = await sqlClient(server.database.url);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.del(stream);
    redis.disconnect();
    await db.end();
    await server.close();
  });

  it('provisions the resource client at boot and publishes its client.upserted', async () => {
    await eventually(async () => (await streamEnvelopes()).some(({ envelope }) => envelope.entityId === RESOURCE_CLIENT.RESOURCE_CLIENT_ID));
    const event = (await streamEnvelopes()).find(({ envelope }) => envelope.entityId === RESOURCE_CLIENT.RESOURCE_CLIENT_ID)!.envelope;
    expect(event).toMatchObject({ kind: 'client.upserted', payload: { clientId: 'resource-server', name: 'Resource Server', version: '1.0', type: 'confidential', active: true } });
  });

  it('publishes a committed outbox row to the stream under its seq and marks it published', async () => {
    const seq = await insertOutboxRow(db, 'relay-test');
    await eventually(async () => (await unpublishedCount(db)) === 0);
    const entry = (await streamEnvelopes()).find(({ envelope }) => envelope.seq === seq)!;
    expect(entry.id).toBe(`${seq}-0`);
    expect(entry.envelope).toMatchObject({ seq, prevSeq: seq - 1, kind: 'scope.upserted', entityId: 'relay-test', entityVersion: 1, payload: { name: 'relay-test', description: 'test', entityVersion: 1 } });
    expect(typeof entry.envelope.occurredAt).toBe('string');
  });

  it('relays what the admin API writes, in seq order', async () => {
    const created = await server.request('/admin/v1/scopes', { method: 'POST', headers: { authorization: server.adminAuthorization }, json: { name: 'sync.read', description: 'read' } });
    expect(created.status).toBe(201);
    await eventually(async () => (await streamEnvelopes()).some(({ envelope }) => envelope.kind === 'scope.upserted' && envelope.entityId === 'sync.read'));
    const seqs = (await streamEnvelopes()).map(({ envelope }) => envelope.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  describe('GET /internal/v1/sync/snapshot', () => {
    it('answers 401 without credentials', async () => {
      const response = await server.request('/internal/v1/sync/snapshot');
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('answers 401 with a wrong secret or an unknown client, identically', async () => {
      const wrong = await server.request('/internal/v1/sync/snapshot', { headers: { authorization: basicAuthorization('resource-server', 'not-the-secret-at-all') } });
      const unknown = await server.request('/internal/v1/sync/snapshot', { headers: { authorization: basicAuthorization('nobody', 'not-the-secret-at-all') } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(await wrong.json()).toEqual(await unknown.json());
    });

    it('answers 401 to the admin user: only the resource client may read it', async () => {
      const response = await server.request('/internal/v1/sync/snapshot', { headers: { authorization: server.adminAuthorization } });
      expect(response.status).toBe(401);
    });

    it('gives the resource client every client, scope and the last seq', async () => {
      const snapshot = await fetchRegistrySnapshot({ issuer: server.baseUrl, clientId: RESOURCE_CLIENT.RESOURCE_CLIENT_ID, clientSecret: RESOURCE_CLIENT.RESOURCE_CLIENT_SECRET });
      const { rows } = await db.query('SELECT max(seq)::int AS seq FROM outbox_events');
      expect(snapshot).toMatchObject({ schemaVersion: 1, seq: rows[0].seq, revocations: [] });
      expect(snapshot.clients).toContainEqual({ clientId: 'resource-server', name: 'Resource Server', version: '1.0', type: 'confidential', active: true, scopes: [], entityVersion: 1 });
      expect(snapshot.scopes).toContainEqual({ name: 'sync.read', description: 'read', requiredPermission: null, entityVersion: 1 });
    });

    it('lists revoked grants whose access tokens have not expired yet', async () => {
      const { rows } = await db.query("SELECT id FROM clients WHERE client_id = 'resource-server'");
      const expiresAt = new Date(Date.now() + 3_600_000);
      const live = await db.query("INSERT INTO grants (client_ref, client_id, grant_type, access_expires_at, revoked_at) VALUES ($1, 'resource-server', 'client_credentials', $2, now()) RETURNING id", [rows[0].id, expiresAt]);
      await db.query("INSERT INTO grants (client_ref, client_id, grant_type, access_expires_at, revoked_at) VALUES ($1, 'resource-server', 'client_credentials', now() - interval '1 minute', now())", [rows[0].id]);
      await db.query("INSERT INTO grants (client_ref, client_id, grant_type, access_expires_at) VALUES ($1, 'resource-server', 'client_credentials', $2)", [rows[0].id, expiresAt]);
      const snapshot = await fetchRegistrySnapshot({ issuer: server.baseUrl, clientId: RESOURCE_CLIENT.RESOURCE_CLIENT_ID, clientSecret: RESOURCE_CLIENT.RESOURCE_CLIENT_SECRET });
      expect(snapshot.revocations).toEqual([{ clientId: 'resource-server', grantIds: [live.rows[0].id], expiresAt: expiresAt.toISOString() }]);
    });

    it('answers 403 to another valid confidential client', async () => {
      const created = await server.request('/admin/v1/clients', {
        method: 'POST',
        headers: { authorization: server.adminAuthorization },
        json: { name: 'Other', version: '1', type: 'confidential', grants: ['client_credentials'], redirectUris: [] },
      });
      expect(created.status).toBe(201);
      const other = (await created.json()) as { clientId: string; clientSecret: string };
      const response = await server.request('/internal/v1/sync/snapshot', { headers: { authorization: basicAuthorization(other.clientId, other.clientSecret) } });
      expect(response.status).toBe(403);
    });
  });
});
