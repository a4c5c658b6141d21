import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ClientAuthenticator } from '../../apps/auth-server/src/clients/client-authenticator.js';
import { OutboxEventsRepository } from '../../apps/auth-server/src/outbox/outbox-events.repository.js';
import { DEFAULT_SCAN_POLICY, TokenScanThrottle } from '../../apps/auth-server/src/introspection/token-scan-throttle.js';
import { TokenIssuance } from '../../apps/auth-server/src/tokens/token-issuance.js';
import { UsersService } from '../../apps/auth-server/src/users/users.service.js';
import { InProcessEventBus } from '#sync';
import { ENFORCEMENT_WAIT_MS, eventually, TEST_RESOURCE_CLIENT } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { basicAuthorization, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

// Two real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds.
jest.setTimeout(60_000);

/**
 * TOKEN_VALIDATION=introspection against the real auth server: the resource server takes only
 * access tokens meant for it (issue 12 item 4), and the auth server's introspection answer and
 * the resource server's decision agree on a scope taken from the client (item 7).
 */
describe('resource server in introspection mode, against the real auth server', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;

  async function introspectAtAuthServer(token: string): Promise<Record<string, unknown>> {
    const response = await as.request('/oauth/introspect', {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(TEST_RESOURCE_CLIENT.clientId, TEST_RESOURCE_CLIENT.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  /** A user grant with a refresh token, as the code flow ends (issued in-process: the flow itself is tested at the auth server). */
  async function userGrant(clientId: string, username: string): Promise<{ access_token: string; refresh_token?: string }> {
    const client = await as.app.get(ClientAuthenticator).find(clientId);
    const user = await as.app.get(UsersService).findByUsername(username);
    const { response } = await as.app
      .get(TokenIssuance)
      .issue({ client: client!, user: { id: user!.id, username }, grantType: 'authorization_code', scopes: [], withRefreshToken: true });
    return response;
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus, env: { TOKEN_VALIDATION: 'introspection' } });
    await rs.waitUntilReady(20_000);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
  });

  it('item 4: a refresh token is not a bearer token (401 invalid_token), its access token is', async () => {
    const client = await adminOk<StackClient>(as, 'POST', '/admin/v1/clients', {
      name: 'Refreshing App',
      version: '1.0',
      type: 'confidential',
      redirectUris: ['https://app.example/cb'],
      grants: ['authorization_code'],
      refreshCount: { mode: 'unlimited' },
    });
    await adminOk(as, 'POST', '/admin/v1/users', { username: 'dana', password: 'dana-password-1', permissions: [] });
    const tokens = await userGrant(client.clientId, 'dana');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    await eventually(async () => (await probe(rs, tokens.access_token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    expect(await probe(rs, tokens.refresh_token!)).toEqual({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE) });
    expect(await probe(rs, tokens.access_token)).toEqual({ status: 200, challenge: null });
  });

  it('item 4: an access token for another audience is 401', async () => {
    const client = await createStackClient(as, 'Other Audience App', ['reports.read']);
    const ours = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, ours)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    const settings = await adminOk<{ accessTokenAudience: string }>(as, 'GET', '/admin/v1/settings');
    await adminOk(as, 'PATCH', '/admin/v1/settings', { accessTokenAudience: 'https://elsewhere.example' });
    try {
      const theirs = await clientCredentialsToken(as, client);
      expect(await introspectAtAuthServer(theirs)).toMatchObject({ active: true, aud: 'https://elsewhere.example' });
      expect(await probe(rs, theirs)).toEqual({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE) });
    } finally {
      await adminOk(as, 'PATCH', '/admin/v1/settings', { accessTokenAudience: settings.accessTokenAudience });
    }
  });

  it('item 7: after a scope is disassociated, introspection and the resource server agree on what the token still grants', async () => {
    const client = await createStackClient(as, 'Disassociated App', ['reports.read', 'reports.write']);
    const token = await clientCredentialsToken(as, client, 'reports.read reports.write');
    await eventually(async () => (await rs.request('/api/reports', { token })).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    expect((await introspectAtAuthServer(token)).scope).toBe('reports.read reports.write');

    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}/scopes/reports.read`);
    await eventually(async () => (await rs.request('/api/reports', { token })).status === 403, ENFORCEMENT_WAIT_MS, 'the resource server to drop reports.read');
    const introspected = await introspectAtAuthServer(token);
    expect(introspected).toMatchObject({ active: true, scope: 'reports.write' });
    // The replica applies the change as events arrive: agreement is what it reaches, within the same bound.
    const scopesAtRs = async () => ((await (await rs.request('/api/me', { token })).json()) as { scopes: string[] }).scopes;
    await eventually(async () => JSON.stringify(await scopesAtRs()) === JSON.stringify(['reports.write']), ENFORCEMENT_WAIT_MS, 'the resource server to grant what introspection says');
    expect(await scopesAtRs()).toEqual(String(introspected.scope).split(' '));
  });

  it('issue 18: several scopes associated in one request reach the resource server, and give a disassociated scope back to issued tokens', async () => {
    const client = await createStackClient(as, 'Batch Associated App', ['reports.read', 'reports.write']);
    const token = await clientCredentialsToken(as, client, 'reports.read reports.write');
    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}/scopes/reports.read`);
    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}/scopes/reports.write`);
    await eventually(async () => (await rs.request('/api/reports', { token })).status === 403, ENFORCEMENT_WAIT_MS, 'the resource server to drop both scopes');
    // That 403 is the auth server's introspection answer, fresh at once; the resource server's
    // registry, which admitToken intersects it with, may still be applying the client's creation
    // (one PUT per scope: {reports.read}, then both) and the two DELETEs. Until it has, every event it
    // applies empties the introspection cache and the next request sees the fresh answer narrowed to
    // one of those older states, ['reports.read'] among them. Wait for the registry too, so that what
    // follows the PATCH is its one event.
    await rs.waitForSeq(Number(await as.app.get(OutboxEventsRepository).latestSeq()));

    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}/scopes`, { associate: ['reports.read', 'reports.write'] });
    await eventually(async () => (await rs.request('/api/reports', { token })).status === 200, ENFORCEMENT_WAIT_MS, 'the resource server to count the scopes again');
    // One transaction, one client.scopes.set: the scope /api/reports needs never comes without the other.
    const me = (await (await rs.request('/api/me', { token })).json()) as { scopes: string[] };
    expect(me.scopes).toEqual(['reports.read', 'reports.write']);
    expect(await introspectAtAuthServer(token)).toMatchObject({ active: true, scope: 'reports.read reports.write' });
  });

  it('IN-7: garbage its callers send locks the resource server out of introspection for unknown tokens only: they stay 401 (not 503), valid tokens 200', async () => {
    const client = await createStackClient(as, 'Scanned App', ['reports.read']);
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    const throttle = as.app.get(TokenScanThrottle);
    throttle.usePolicy({ maxUnknownTokens: 3, windowSeconds: 60 });
    try {
      for (let i = 0; i < 6; i++) {
        expect(await probe(rs, `garbage-${i}-${Math.random()}`)).toEqual({ status: 401, challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE) });
      }
      expect(await probe(rs, token)).toEqual({ status: 200, challenge: null });
    } finally {
      throttle.usePolicy(DEFAULT_SCAN_POLICY);
    }
  });
});
