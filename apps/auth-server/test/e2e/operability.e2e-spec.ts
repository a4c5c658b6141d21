import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { openApiErrors, undocumentedRoutes, type OpenApiDocument } from '#testing/openapi-coverage';
import { accessTokenFor, basic, createClient, postForm, type TestClient } from '../support/token-fixtures.js';

/** OpenAPI at /docs, Prometheus metrics at /metrics, terminus health (README "Operations"). */
describe('auth-server operability', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { scopes: ['read'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves a valid OpenAPI 3.1 document describing every route', async () => {
    const response = await server.request('/docs/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(await openApiErrors(document)).toEqual([]);
    expect(undocumentedRoutes(server.app, document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/oauth/token', '/oauth/introspect', '/admin/v1/clients', '/metrics', '/health/ready']),
    );
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await server.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('counts tokens by grant, token errors by code and introspections by result', async () => {
    const token = await accessTokenFor(server, client);
    const refused = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'wrong-secret') });
    expect(refused.status).toBe(401);
    const caller = { authorization: basic(client.clientId, client.secret) };
    expect((await (await postForm(server, '/oauth/introspect', { token }, caller)).json()) as object).toMatchObject({ active: true });
    expect((await (await postForm(server, '/oauth/introspect', { token: 'not-a-token' }, caller)).json()) as object).toEqual({ active: false });

    const response = await server.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const metrics = await response.text();
    expect(metrics).toContain('oauth_tokens_issued_total{grant="client_credentials"} 1');
    expect(metrics).toContain('oauth_token_errors_total{error="invalid_client"} 1');
    expect(metrics).toContain('oauth_introspections_total{active="true"} 1');
    expect(metrics).toContain('oauth_introspections_total{active="false"} 1');
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/oauth\/token",status_class="2xx"\} 1/);
    expect(metrics).toMatch(/^outbox_backlog_events \d+$/m);
    expect(metrics).toMatch(/^password_hashes_running 0$/m);
    expect(metrics).toMatch(/^password_hashes_waiting 0$/m);
    expect(metrics).toMatch(/^outbox_oldest_unpublished_age_seconds [\d.e+-]+$/m);
    expect(metrics).toMatch(/^db_pool_connections_total \d+$/m);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('reports readiness through terminus', async () => {
    const response = await server.request('/health/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});
