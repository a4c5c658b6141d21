import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { InProcessEventBus } from '#sync';
import { ENFORCEMENT_WAIT_MS, eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, tokenRequest } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';

// Two real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds.
jest.setTimeout(60_000);


/**
 * The embedded wiring (`npm start` without REDIS_URL): the real auth server and the real resource
 * server share one in-process bus. CONTRACT "Events between the servers": a change at the auth
 * server is enforced at the resource server (within one second: a target `npm run bench` measures;
 * the elapsed times are logged here, see ENFORCEMENT_WAIT_MS).
 */
describe('stack (in-process bus): auth server changes are enforced at the resource server', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;

  /** Waits for the exact refusal (401, Bearer error="invalid_token"); resolves to the elapsed ms. */
  async function refusedWithin(token: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<number> {
    const elapsed = await eventually(async () => (await probe(rs, token)).status === 401, timeoutMs, 'the resource server to refuse the token');
    const refusal = await probe(rs, token);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    return elapsed;
  }

  async function expectAccepted(token: string): Promise<void> {
    expect(await probe(rs, token)).toEqual({ status: 200, challenge: null });
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady(20_000);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
  });

  it('an access token signed with the RS256 (id token) key is refused: the resource server accepts ES256 only', async () => {
    const client = await createStackClient(as, 'Stack RS256');
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    // The same claims and header, signed by the auth server's own published RSA key instead.
    const [rsa] = await as.app.get(DataSource).query<{ kid: string; private_jwk: JWK }[]>(`SELECT kid, private_jwk FROM signing_keys WHERE alg = 'RS256'`);
    const forged = await new SignJWT(decodeJwt(token))
      .setProtectedHeader({ ...decodeProtectedHeader(token), alg: 'RS256', kid: rsa.kid })
      .sign(await importJWK(rsa.private_jwk, 'RS256'));
    const refusal = await probe(rs, forged);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  });

  it('deactivation, single-token revocation, reactivation and a new token, each enforced', async () => {
    const client = await createStackClient(as, 'Stack In-Process');
    const token = await clientCredentialsToken(as, client);
    // The client.upserted event may still be on its way: the promise covers it too.
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    await expectAccepted(token);

    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    const deactivation = await refusedWithin(token);

    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: true });
    // Deactivation revoked every token issued until then: reactivating does not revive them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await probe(rs, token)).status).toBe(401);

    const fresh = await clientCredentialsToken(as, client);
    const reactivation = await eventually(async () => (await probe(rs, fresh)).status === 200, ENFORCEMENT_WAIT_MS, 'the reactivated client to be accepted');
    await expectAccepted(fresh);

    const other = await clientCredentialsToken(as, client);
    await expectAccepted(other);
    await adminOk(as, 'DELETE', `/admin/v1/tokens/${grantIdOf(fresh)}`);
    const revocation = await refusedWithin(fresh);
    // Only that grant: the client's other token still works.
    await expectAccepted(other);

    console.log(`[stack in-process] propagation: deactivation ${deactivation.toFixed(0)} ms, reactivation ${reactivation.toFixed(0)} ms, revocation ${revocation.toFixed(0)} ms`);
  });

  it('a revoke-all and a new token in the same second: the old token is refused, the new one accepted (AD-10)', async () => {
    const client = await createStackClient(as, 'Stack Same Second');
    const warmup = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, warmup)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    // Start at the top of a second so that all three steps share it: iat has whole seconds, and
    // the auth server names that second's grants one by one in the revocation event.
    await waitForNextSecond();
    const old = await clientCredentialsToken(as, client);
    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}/tokens`);
    const fresh = await clientCredentialsToken(as, client);
    await refusedWithin(old);
    expect((await probe(rs, warmup)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectAccepted(fresh);
  });

  it('RS-13 (AC-2): the access token of a code that is replayed is refused by the resource server (the tokens.revoked event)', async () => {
    const redirect = 'https://app.example.com/callback';
    const client = await createTestClient(as, { name: 'Stack Code Replay', redirectUris: [redirect] });
    const { location } = await authorizeThroughPages(as, authorizePath({ response_type: 'code', client_id: client.clientId, redirect_uri: redirect, state: 'rs13' }), TEST_ADMIN);
    const code = codeFrom(location, redirect, 'rs13');
    const redeem = () => tokenRequest(as, { grant_type: 'authorization_code', code, redirect_uri: redirect }, client);
    const first = await redeem();
    expect(first.status).toBe(200);
    const token = first.body.access_token!;
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    await expectAccepted(token);

    expect(await redeem()).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code was already used' } });
    const elapsed = await refusedWithin(token);
    console.log(`[stack in-process] propagation: replayed code ${elapsed.toFixed(0)} ms`);
  });

  it('RFC 7009 revocation at /oauth/revoke is enforced at the resource server', async () => {
    const client = await createStackClient(as, 'Stack Revoke Endpoint');
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200, ENFORCEMENT_WAIT_MS, 'the new client to be known');
    const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    const revoked = await as.request('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoked.status).toBe(200);
    const elapsed = await refusedWithin(token);
    console.log(`[stack in-process] propagation: /oauth/revoke ${elapsed.toFixed(0)} ms`);
  });

  it('stage 5: a client disabled at the resource server stays refused across a restart and a resync', async () => {
    const adminClient = await createStackClient(as, 'Stack RS Admin', ['rs.admin']);
    const client = await createStackClient(as, 'Stack Locally Disabled');
    const adminToken = await clientCredentialsToken(as, adminClient, 'rs.admin');
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200 && (await probe(rs, adminToken)).status === 200, ENFORCEMENT_WAIT_MS, 'both clients to be known');

    const patch = await rs.request(`/admin/v1/clients/${client.clientId}`, { method: 'PATCH', token: adminToken, json: { enabled: false } });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({ clientId: client.clientId, active: true, enabled: false });
    const refused = await probe(rs, token);
    expect(refused.status).toBe(401);
    expect(refused.challenge).toMatch(INVALID_TOKEN_CHALLENGE);

    // A change at the auth server (a new client.upserted) does not re-enable it here.
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { description: 'renamed at the auth server' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await probe(rs, token)).status).toBe(401);

    await rs.restart();
    await rs.waitUntilReady();
    expect((await probe(rs, token)).status).toBe(401);

    await rs.registry().resync();
    const afterResync = await probe(rs, token);
    expect(afterResync.status).toBe(401);
    expect(afterResync.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    // The other clients are untouched by the resync.
    expect((await probe(rs, adminToken)).status).toBe(200);

    const enable = await rs.request(`/admin/v1/clients/${client.clientId}`, { method: 'PATCH', token: adminToken, json: { enabled: true } });
    expect(enable.status).toBe(200);
    await expectAccepted(token);
  });
});

async function waitForNextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}
