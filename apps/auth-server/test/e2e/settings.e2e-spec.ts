import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

// Booting on PGlite and scrypt on a loaded CI machine can exceed jest's 5 s default (the e2e project's testTimeout is not applied).
jest.setTimeout(60_000);

const DEFAULTS = {
  accessTokenLifetimeSeconds: 3600,
  authorizationCodeLifetimeSeconds: 60,
  deviceCodeLifetimeSeconds: 600,
  sessionLifetimeSeconds: 28800,
  accessTokenAudience: 'http://localhost:3001',
  auditRetentionDays: 90,
  clientIdMetadataDocuments: false,
  clientIdMetadataDocumentHosts: [],
  dynamicRegistration: 'off',
  requirePushedAuthorizationRequests: false,
  registrationPolicy: { grantTypes: ['authorization_code', 'refresh_token'], maxScopes: 10, registrationsPerIpPerHour: 20, deleteUnusedAfterDays: 30 },
  dpopNonceRequired: false,
};

function invalid(field: string, message: string) {
  return {
    type: 'https://portcullis.dev/problems/validation',
    title: 'Invalid request',
    status: 400,
    detail: `${field}: ${message}`,
    errors: [{ field, message }],
  };
}

describe('settings admin API', () => {
  let server: RunningAuthServer;
  const settings = (init: RequestInit & { json?: unknown } = {}) =>
    server.request('/admin/v1/settings', { ...init, headers: { authorization: server.adminAuthorization } });
  const patch = async (json: unknown) => {
    const response = await settings({ method: 'PATCH', json });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers the defaults before any change', async () => {
    const response = await settings();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(DEFAULTS);
  });

  it('requires admin credentials', async () => {
    expect((await server.request('/admin/v1/settings')).status).toBe(401);
    expect((await server.request('/admin/v1/settings', { method: 'PATCH', json: { accessTokenLifetimeSeconds: 5 } })).status).toBe(401);
    expect(await (await settings()).json()).toEqual(DEFAULTS);
  });

  it.each([1, 2147483647])('accepts an access token lifetime of %i seconds', async (seconds) => {
    expect(await patch({ accessTokenLifetimeSeconds: seconds })).toEqual({ status: 200, body: { ...DEFAULTS, accessTokenLifetimeSeconds: seconds } });
  });

  it.each([0, -1, 2147483648])('rejects an access token lifetime of %i seconds', async (seconds) => {
    const message = seconds < 1 ? 'accessTokenLifetimeSeconds must not be less than 1' : 'accessTokenLifetimeSeconds must not be greater than 2147483647';
    expect(await patch({ accessTokenLifetimeSeconds: seconds })).toEqual({ status: 400, body: invalid('accessTokenLifetimeSeconds', message) });
  });

  it.each([1.5, '60', null])('rejects a non-integer access token lifetime (%j)', async (seconds) => {
    const { status, body } = await patch({ accessTokenLifetimeSeconds: seconds });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      status: 400,
      errors: expect.arrayContaining([{ field: 'accessTokenLifetimeSeconds', message: 'accessTokenLifetimeSeconds must be an integer number' }]),
    });
  });

  it.each([
    [0, 'authorizationCodeLifetimeSeconds must not be less than 1'],
    [601, 'authorizationCodeLifetimeSeconds must not be greater than 600'],
  ])('rejects an authorization code lifetime of %i seconds', async (seconds, message) => {
    expect(await patch({ authorizationCodeLifetimeSeconds: seconds })).toEqual({ status: 400, body: invalid('authorizationCodeLifetimeSeconds', message) });
  });

  it.each([
    [0, 'deviceCodeLifetimeSeconds must not be less than 1'],
    [86_401, 'deviceCodeLifetimeSeconds must not be greater than 86400'],
  ])('rejects a device code lifetime of %i seconds', async (seconds, message) => {
    expect(await patch({ deviceCodeLifetimeSeconds: seconds })).toEqual({ status: 400, body: invalid('deviceCodeLifetimeSeconds', message) });
  });

  it.each([
    [0, 'auditRetentionDays must not be less than 1'],
    [3651, 'auditRetentionDays must not be greater than 3650'],
    [1.5, 'auditRetentionDays must be an integer number'],
  ])('rejects an audit retention of %j days', async (days, message) => {
    expect(await patch({ auditRetentionDays: days })).toEqual({ status: 400, body: invalid('auditRetentionDays', message) });
  });

  it('keeps audit events for auditRetentionDays, 1 to 3650 days', async () => {
    expect(await patch({ auditRetentionDays: 3650 })).toMatchObject({ status: 200, body: { auditRetentionDays: 3650 } });
    expect(await (await settings()).json()).toMatchObject({ auditRetentionDays: 3650 });
    expect(await patch({ auditRetentionDays: 90 })).toMatchObject({ status: 200, body: { auditRetentionDays: 90 } });
  });

  it.each(['not a url', 'ftp://resource.example', '/relative', 'javascript:alert(1)'])('rejects the audience %j', async (audience) => {
    const { status, body } = await patch({ accessTokenAudience: audience });
    expect(status).toBe(400);
    expect(body).toEqual(invalid('accessTokenAudience', 'accessTokenAudience must be an absolute http(s) URL'));
  });

  it('rejects an empty body and unknown fields', async () => {
    expect(await patch({})).toEqual({
      status: 400,
      body: invalid(
        'body',
        'give at least one of accessTokenLifetimeSeconds, authorizationCodeLifetimeSeconds, deviceCodeLifetimeSeconds, sessionLifetimeSeconds, accessTokenAudience, auditRetentionDays, clientIdMetadataDocuments, clientIdMetadataDocumentHosts, dynamicRegistration, registrationPolicy, dpopNonceRequired, requirePushedAuthorizationRequests',
      ),
    });
    expect(await patch({ refreshTokenLifetimeSeconds: 5 })).toEqual({
      status: 400,
      body: invalid('refreshTokenLifetimeSeconds', 'property refreshTokenLifetimeSeconds should not exist'),
    });
  });

  it.each([
    [
      'no body',
      {},
      invalid(
        'body',
        'give at least one of accessTokenLifetimeSeconds, authorizationCodeLifetimeSeconds, deviceCodeLifetimeSeconds, sessionLifetimeSeconds, accessTokenAudience, auditRetentionDays, clientIdMetadataDocuments, clientIdMetadataDocumentHosts, dynamicRegistration, registrationPolicy, dpopNonceRequired, requirePushedAuthorizationRequests',
      ),
    ],
    ['a JSON array', { json: [] }, invalid('body', 'Validation failed (object is expected)')],
    ['a JSON string', { json: 'x' }, invalid('body', 'Validation failed (object is expected)')],
    ['broken JSON', { body: '{', headers: { 'content-type': 'application/json' } }, invalid('body', 'the body is not valid JSON')],
  ])('answers %s with a 400 problem, never a 500', async (_, init: RequestInit & { json?: unknown }, expected) => {
    const response = await server.request('/admin/v1/settings', {
      method: 'PATCH',
      ...init,
      headers: { ...init.headers, authorization: server.adminAuthorization },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toEqual(expected);
  });

  it('applies a subset, answers the full settings and keeps them across a restart', async () => {
    const changed = {
      accessTokenLifetimeSeconds: 900,
      authorizationCodeLifetimeSeconds: 600,
      deviceCodeLifetimeSeconds: 120,
      sessionLifetimeSeconds: 28800,
      accessTokenAudience: 'https://api.example.com/v1',
      auditRetentionDays: 90,
      clientIdMetadataDocuments: false,
      clientIdMetadataDocumentHosts: [],
      dynamicRegistration: DEFAULTS.dynamicRegistration,
      requirePushedAuthorizationRequests: false,
      registrationPolicy: DEFAULTS.registrationPolicy,
      dpopNonceRequired: false,
    };
    expect(await patch({ authorizationCodeLifetimeSeconds: 600, accessTokenAudience: changed.accessTokenAudience })).toEqual({
      status: 200,
      body: { ...DEFAULTS, accessTokenLifetimeSeconds: 2147483647, authorizationCodeLifetimeSeconds: 600, accessTokenAudience: changed.accessTokenAudience },
    });
    expect((await patch({ accessTokenLifetimeSeconds: 900, deviceCodeLifetimeSeconds: 120 })).body).toEqual(changed);
    expect(await (await settings()).json()).toEqual(changed);
    await server.restart();
    expect(await (await settings()).json()).toEqual(changed);
  });

  it('sets the client ID metadata document settings, and refuses a host that is no origin pattern', async () => {
    const hosts = ['http://127.0.0.1:*', 'https://docs.example:8443', 'https://[::1]'];
    expect((await patch({ clientIdMetadataDocuments: true, clientIdMetadataDocumentHosts: hosts })).body).toMatchObject({ clientIdMetadataDocuments: true, clientIdMetadataDocumentHosts: hosts });
    const message = 'clientIdMetadataDocumentHosts must be origin patterns such as "http://127.0.0.1:*" or "https://docs.example:8443"';
    for (const bad of [['127.0.0.1'], ['http://*.example'], ['https://docs.example/path'], ['ftp://docs.example'], ['http://127.0.0.1:99999']]) {
      expect(await patch({ clientIdMetadataDocumentHosts: bad })).toEqual({ status: 400, body: invalid('clientIdMetadataDocumentHosts', message) });
    }
    expect((await patch({ clientIdMetadataDocuments: 'yes' })).status).toBe(400);
    expect((await patch({ dpopNonceRequired: 'yes' })).status).toBe(400);
    expect((await patch({ dpopNonceRequired: null })).status).toBe(400);
    expect((await patch({ clientIdMetadataDocuments: false, clientIdMetadataDocumentHosts: [] })).body).toMatchObject({ clientIdMetadataDocuments: false, clientIdMetadataDocumentHosts: [] });
  });
});
