import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InProcessEventBus } from '#sync';
import { ENFORCEMENT_WAIT_MS, eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { basicAuthorization, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

// Two real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds.
jest.setTimeout(90_000);

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Token exchange (RFC 8693) across both servers: a token exchanged from another client's token is
 * accepted by the resource server, and refused there after its subject's revocation,
 * through the same tokens.revoked events as any revocation (each exchanged grant under its own client).
 */
describe('stack (in-process bus): revoking a subject token reaches the tokens exchanged from it', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  let exchanger: StackClient;

  async function exchange(subject: string): Promise<string> {
    const actor = await clientCredentialsToken(as, exchanger);
    const response = await as.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: basicAuthorization(exchanger.clientId, exchanger.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        subject_token: subject,
        subject_token_type: ACCESS_TOKEN,
        actor_token: actor,
        actor_token_type: ACCESS_TOKEN,
      }).toString(),
    });
    const body = (await response.json()) as { access_token?: string };
    expect([response.status, body.access_token]).toEqual([200, expect.any(String)]);
    return body.access_token!;
  }

  async function accepted(token: string): Promise<void> {
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the resource server to accept the token');
  }

  async function refusedWithin(token: string): Promise<void> {
    await eventually(async () => (await probe(rs, token)).status === 401, ENFORCEMENT_WAIT_MS, 'the resource server to refuse the token');
    expect((await probe(rs, token)).challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady(20_000);
    exchanger = await createStackClient(as, 'Exchanger');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${exchanger.clientId}`, { grants: ['client_credentials', TOKEN_EXCHANGE] });
    // The exchanger represents the resource server's audience: it is "in the audience" of its tokens.
    const resources = await adminOk<{ items: { id: string; identifier: string }[] }>(as, 'GET', '/admin/v1/resources?limit=100');
    const audience = rs.config.audience;
    const resource = resources.items.find((item) => item.identifier === audience);
    expect(resource).toBeDefined();
    await adminOk(as, 'PATCH', `/admin/v1/resources/${resource!.id}`, { clientId: exchanger.clientId });
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
  });

  it("revoked at /oauth/revoke by the subject's client: the exchanged token is refused at the resource server", async () => {
    const web = await createStackClient(as, 'Web revoking');
    const subject = await clientCredentialsToken(as, web);
    const exchanged = await exchange(subject);
    await accepted(exchanged);
    const revoked = await as.request('/oauth/revoke', {
      method: 'POST',
      headers: { authorization: basicAuthorization(web.clientId, web.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: subject }).toString(),
    });
    expect(revoked.status).toBe(200);
    await refusedWithin(exchanged);
  });

  it("the subject's client deactivated: the exchanged token (another client's) is refused at the resource server", async () => {
    const web = await createStackClient(as, 'Web deactivated');
    const exchanged = await exchange(await clientCredentialsToken(as, web));
    await accepted(exchanged);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${web.clientId}`, { active: false });
    await refusedWithin(exchanged);
    // The exchanger itself is untouched.
    expect((await probe(rs, await clientCredentialsToken(as, exchanger))).status).toBe(200);
  });
});
