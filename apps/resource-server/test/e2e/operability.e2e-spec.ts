import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { REGISTRY_DATA_SOURCE, RegistrySyncService } from '#resource-guard';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { openApiErrors, undocumentedRoutes, type OpenApiDocument } from '#testing/openapi-coverage';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** OpenAPI at /docs, Prometheus metrics at /metrics, terminus health (README "Operations"). */
describe('resource-server operability', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('is not ready until the snapshot is loaded, with a problem naming the reason', async () => {
    const response = await rs.request('/health/ready');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, detail: 'the registry snapshot has not been loaded yet' });
    expect((await rs.request('/health/live')).status).toBe(200);
    authServer.snapshot = registrySnapshot();
    await rs.waitUntilReady();
    const ready = await rs.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { registry: { status: 'up' } } });
  });

  it('serves a valid OpenAPI 3.1 document describing every route', async () => {
    const response = await rs.request('/docs/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(await openApiErrors(document)).toEqual([]);
    expect(undocumentedRoutes(rs.app, document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/me', '/admin/v1/clients/{clientId}', '/admin/v1/routes', '/admin/v1/routes/{id}', '/metrics', '/health/ready']),
    );
    const ui = await rs.request('/docs');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui-bundle.js');
    expect((await rs.request('/docs/swagger-ui-bundle.js')).status).toBe(200);
    expect((await rs.request('/docs/package.json')).status).toBe(404);
  });

  it('exports sync, JWKS, HTTP and pool metrics', async () => {
    rs.publish(envelope(1, 'client.upserted', 2, clientSnapshot({ entityVersion: 2 })));
    await rs.waitForSeq(1);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);

    const response = await rs.request('/metrics');
    expect(response.status).toBe(200);
    const metrics = await response.text();
    expect(metrics).toContain('sync_events_applied_total{kind="client.upserted"} 1');
    expect(metrics).toMatch(/^sync_event_lag_seconds_count 1$/m);
    expect(metrics).toMatch(/^sync_last_applied_seq 1$/m);
    expect(metrics).toMatch(/^sync_lag_events 0$/m);
    expect(metrics).toMatch(/^sync_transport_disconnected_seconds 0$/m);
    expect(metrics).toMatch(/^registry_snapshot_loaded 1$/m);
    expect(metrics).toMatch(/^jwks_fetches_total [1-9]/m);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/me",status_class="2xx"\} 1/);
    expect(metrics).toMatch(/^db_pool_connections_total \d+$/m);
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
  });

  it('prunes expired revocations in bounded batches, keeps the live ones, and counts them', async () => {
    const db = rs.app.get<DataSource>(REGISTRY_DATA_SOURCE);
    await db.query(
      `INSERT INTO revoked_grants (grant_id, client_id, expires_at)
       SELECT 'expired-' || g, 'pruned-client', now() - interval '1 hour' FROM generate_series(1, 12000) g`,
    );
    await db.query(
      `INSERT INTO revoked_grants (grant_id, client_id, expires_at) VALUES ('live', 'pruned-client', now() + interval '1 hour'), ('never', 'pruned-client', NULL)`,
    );
    await rs.app.get(RegistrySyncService).purgeExpiredGrants();
    expect(await db.query(`SELECT grant_id FROM revoked_grants WHERE client_id = 'pruned-client' ORDER BY grant_id`)).toEqual([
      { grant_id: 'live' },
      { grant_id: 'never' },
    ]);
    expect(await (await rs.request('/metrics')).text()).toMatch(/^registry_revocations_pruned_total 12000$/m);
  });
});
