import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InProcessEventBus } from '#sync';
import { eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, pkcePair, tokenRequest } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';

// Two real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds.
jest.setTimeout(90_000);

const ORDINARY = { username: 'ordinary-rs-user', password: 'ordinary-password-1' };

/**
 * Issue 12, item 1: the console client carries rs.admin, but the auth server issues it only to
 * users with access_control (CONTRACT "Privileged scopes"), so an ordinary user who signs in through
 * the console cannot re-enable or disable clients at the resource server (stage 5).
 */
describe('resource server admin API with a console token', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;

  async function consoleToken(user: { username: string; password: string }): Promise<string> {
    const redirect = `${as.config.issuer}/console/callback`;
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      response_type: 'code',
      client_id: 'portcullis-console',
      redirect_uri: redirect,
      state: 'rs',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const { location } = await authorizeThroughPages(as, path, user);
    const code = codeFrom(location, redirect, 'rs');
    const token = await tokenRequest(
      as,
      { grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier },
      { clientId: 'portcullis-console' },
    );
    expect(token.status).toBe(200);
    return token.body.access_token ?? '';
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady(20_000);
    await adminOk(as, 'POST', '/admin/v1/users', { ...ORDINARY, permissions: [] });
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
  });

  it('an ordinary user is refused with 403 insufficient_scope; an access_control user is let in', async () => {
    const operatorToken = await consoleToken(TEST_ADMIN);
    // The console client may still be on its way to the resource server.
    await eventually(async () => (await rs.request('/admin/v1/clients', { token: operatorToken })).status === 200, 5000, 'the console client to be known');

    const ordinaryToken = await consoleToken(ORDINARY);
    expect((await rs.request('/api/me', { token: ordinaryToken })).status).toBe(200);
    const listed = await rs.request('/admin/v1/clients', { token: ordinaryToken });
    expect(listed.status).toBe(403);
    expect(listed.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    const disabled = await rs.request('/admin/v1/clients/portcullis-console', { method: 'PATCH', token: ordinaryToken, json: { enabled: false } });
    expect(disabled.status).toBe(403);
    expect((await rs.request('/admin/v1/clients', { token: operatorToken })).status).toBe(200);
  });
});
