import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { InProcessEventBus } from '#sync';
import { eventually } from '#testing';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, createStackClient, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { startStackAuthServer } from '../support/stack-harness.js';

// One auth server and two resource servers on PGlite boot in several seconds each.
jest.setTimeout(120_000);

const AUDIENCE_A = 'https://rs-a.example.com';
const AUDIENCE_B = 'https://rs-b.example.com';

/**
 * CONTRACT "Privileged scopes and token audiences": several resource servers, each with its own
 * RESOURCE_AUDIENCE, against one auth server. A token has one audience (RFC 8707 `resource`), and
 * each resource server accepts only tokens for itself: a token for A is refused by B (401
 * invalid_token), and the other way round.
 */
describe('two resource servers with different audiences', () => {
  let as: RunningAuthServer;
  let rsA: RunningResourceServer;
  let rsB: RunningResourceServer;
  let client: StackClient;

  async function tokenFor(resource: string): Promise<string> {
    const response = await as.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource }).toString(),
    });
    const body = (await response.json()) as { access_token: string };
    expect(response.status).toBe(200);
    return body.access_token;
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    for (const identifier of [AUDIENCE_A, AUDIENCE_B]) await adminOk(as, 'POST', '/admin/v1/resources', { identifier, name: identifier });
    rsA = await startTestResourceServer({ issuer: as.baseUrl, bus, env: { RESOURCE_AUDIENCE: AUDIENCE_A } });
    rsB = await startTestResourceServer({ issuer: as.baseUrl, bus, env: { RESOURCE_AUDIENCE: AUDIENCE_B } });
    await Promise.all([rsA.waitUntilReady(20_000), rsB.waitUntilReady(20_000)]);
    client = await createStackClient(as, 'Two audiences');
  });

  afterAll(async () => {
    await rsB?.close();
    await rsA?.close();
    await as?.close();
  });

  it('each accepts the token for its own audience and refuses the other with 401 invalid_token', async () => {
    const forA = await tokenFor(AUDIENCE_A);
    const forB = await tokenFor(AUDIENCE_B);
    expect([decodeJwt(forA).aud, decodeJwt(forB).aud]).toEqual([AUDIENCE_A, AUDIENCE_B]);
    // The new client reaches each resource server through the events.
    await eventually(async () => (await probe(rsA, forA)).status === 200, 5000, 'resource server A to know the client');
    await eventually(async () => (await probe(rsB, forB)).status === 200, 5000, 'resource server B to know the client');

    for (const [rs, token] of [
      [rsB, forA],
      [rsA, forB],
    ] as const) {
      const refusal = await probe(rs, token);
      expect(refusal.status).toBe(401);
      expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    }
  });

  it('a token without a resource is for the accessTokenAudience setting: neither accepts it then', async () => {
    const response = await as.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    const token = ((await response.json()) as { access_token: string }).access_token;
    expect(decodeJwt(token).aud).toBe(as.config.resourceAudience);
    expect((await probe(rsA, token)).status).toBe(401);
    expect((await probe(rsB, token)).status).toBe(401);
  });
});
