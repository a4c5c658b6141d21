import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { eventually, holdCalls } from '#testing';
import { sql as sqlOn } from '../support/clients-fixtures.js';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import {
  authorizePath,
  authorizeThroughPages,
  codeFrom,
  createTestClient,
  patchClient,
  pkcePair,
  tokenRequest,
  type TestClient,
} from '../support/authorize-flow.helpers.js';
import { GrantsRepository } from '../../src/tokens/grants.repository.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://app.example.com/callback';
const invalidGrant = (description: string) => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
const ALREADY_USED = invalidGrant('the authorization code was already used');
const INVALID_CODE = invalidGrant('the authorization code is invalid');
const WRONG_VERIFIER = invalidGrant('code_verifier does not match the code_challenge');

describe('POST /oauth/token with grant_type=authorization_code', () => {
  let server: RunningAuthServer;
  let confidential: TestClient;
  let otherConfidential: TestClient;
  let publicClient: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    confidential = await createTestClient(server, { scopes: ['read'], refreshCount: { mode: 'unlimited' } });
    otherConfidential = await createTestClient(server, { scopes: ['read'] });
    publicClient = await createTestClient(server, { type: 'public', scopes: ['read'] });
  });
  afterAll(async () => {
    await server.close();
  });

  const sql = <T>(text: string, values: unknown[] = []): Promise<T[]> => sqlOn<T>(server, text, values);

  /** A code for the confidential client, with redirect_uri sent and, optionally, a PKCE challenge. */
  async function codeFor(
    client: TestClient,
    options: { challenge?: string; user?: { username: string; password: string }; sendRedirectUri?: boolean } = {},
  ): Promise<string> {
    const params: Record<string, string> = { response_type: 'code', client_id: client.clientId, state: 's' };
    if (options.sendRedirectUri ?? true) params.redirect_uri = REDIRECT;
    if (options.challenge) Object.assign(params, { code_challenge: options.challenge, code_challenge_method: 'S256' });
    const { location } = await authorizeThroughPages(server, authorizePath(params), options.user ?? TEST_ADMIN);
    return codeFrom(location, REDIRECT, 's');
  }

  const redeem = (client: TestClient, code: string, extra: Record<string, string> = { redirect_uri: REDIRECT }) =>
    tokenRequest(server, { grant_type: 'authorization_code', code, ...extra }, client);

  async function introspect(token: string): Promise<unknown> {
    const response = await tokenRequestRaw('/oauth/introspect', { token });
    return response;
  }

  async function tokenRequestRaw(path: string, form: Record<string, string>): Promise<unknown> {
    const authorization = `Basic ${Buffer.from(`${confidential.clientId}:${confidential.clientSecret}`).toString('base64')}`;
    const response = await server.request(path, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return response.json();
  }

  it('F-10: an exchange whose grant cannot be stored leaves the code unspent, and the retry gets the tokens', async () => {
    const code = await codeFor(confidential);
    // An outage that strikes between the code's check and the grant's commit.
    await sql(`CREATE FUNCTION refuse_grant() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected outage' USING ERRCODE = '57P01'; END $$`);
    await sql('CREATE TRIGGER refuse_grant BEFORE INSERT ON grants FOR EACH ROW EXECUTE FUNCTION refuse_grant()');
    let failed: Awaited<ReturnType<typeof redeem>>;
    try {
      failed = await redeem(confidential, code);
    } finally {
      await sql('DROP TRIGGER refuse_grant ON grants');
      await sql('DROP FUNCTION refuse_grant()');
    }
    expect([failed.status, failed.body.error]).toEqual([503, 'temporarily_unavailable']);
    const retried = await redeem(confidential, code);
    expect(retried.status).toBe(200);
    expect(await redeem(confidential, code)).toEqual(ALREADY_USED);
  });

  it('an exchange racing a client deactivation stores no grant and fails with invalid_client (issue 12, item 7)', async () => {
    const client = await createTestClient(server, { scopes: ['read'] });
    const code = await codeFor(client);
    // The exchange has read its client as active and waits to store its grant: the deactivation commits meanwhile.
    const held = holdCalls(server.app.get(GrantsRepository), 'insertRedeemingCode');
    const exchange = redeem(client, code);
    try {
      await eventually(() => held.arrived === 1, 10_000, 'the exchange to reach its grant insert');
      await patchClient(server, client.clientId, { active: false });
    } finally {
      held.release();
    }
    const refused = await exchange;
    expect([refused.status, refused.body.error]).toEqual([401, 'invalid_client']);
    expect(await sql('SELECT id FROM grants WHERE client_id = $1', [client.clientId])).toEqual([]);
  });

  it('AD-8: deactivating a client takes effect at once at authorize, token and introspection, and its events are written in the same transaction', async () => {
    const client = await createTestClient(server, { scopes: ['read'], grants: ['authorization_code', 'client_credentials'], refreshCount: { mode: 'unlimited' } });
    const introspector = await createTestClient(server, { grants: ['client_credentials'], redirectUris: [] });
    await patchClient(server, introspector.clientId, { introspection: true });
    const introspectAs = async (token: string): Promise<unknown> => {
      const authorization = `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString('base64')}`;
      const response = await server.request('/oauth/introspect', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      return response.json();
    };
    const first = await redeem(client, await codeFor(client));
    expect(first.status).toBe(200);
    const pending = await codeFor(client);
    const kinds = async () => (await sql<{ kind: string }>('SELECT kind FROM outbox_events WHERE entity_id = $1 ORDER BY seq', [client.clientId])).map((row) => row.kind);
    const eventsBefore = await kinds();

    // The events cannot be written: the deactivation is not committed either.
    await sql(`CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected outage' USING ERRCODE = '57P01'; END $$`);
    await sql('CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION refuse_outbox()');
    let failed: Response;
    try {
      failed = await server.request(`/admin/v1/clients/${client.clientId}`, { method: 'PATCH', json: { active: false }, headers: { authorization: server.adminAuthorization } });
    } finally {
      await sql('DROP TRIGGER refuse_outbox ON outbox_events');
      await sql('DROP FUNCTION refuse_outbox()');
    }
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await sql('SELECT active FROM clients WHERE client_id = $1', [client.clientId])).toEqual([{ active: true }]);
    expect(await introspectAs(first.body.access_token!)).toMatchObject({ active: true });
    expect(await kinds()).toEqual(eventsBefore);

    await patchClient(server, client.clientId, { active: false });
    // No waiting from here on: the change and its events are committed when the PATCH answers.
    expect((await kinds()).slice(eventsBefore.length)).toEqual(['client.upserted', 'tokens.revoked']);
    const authorize = await server.request(authorizePath({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, state: 's' }));
    expect([authorize.status, authorize.headers.get('location')]).toEqual([400, null]);
    const invalidClient = { status: 401, body: { error: 'invalid_client', error_description: expect.any(String) } };
    expect(await redeem(client, pending)).toEqual(invalidClient);
    expect(await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! }, client)).toEqual(invalidClient);
    expect(await tokenRequest(server, { grant_type: 'client_credentials' }, client)).toEqual(invalidClient);
    expect(await introspectAs(first.body.access_token!)).toEqual({ active: false });
    expect(await introspectAs(first.body.refresh_token!)).toEqual({ active: false });
  });

  it('an exchange racing the deactivation of the user who consented stores no grant and fails with invalid_grant', async () => {
    const user = { username: 'leaving-user', password: 'leaving-password-1' };
    const created = await server.request('/admin/v1/users', { method: 'POST', headers: { authorization: server.adminAuthorization }, json: user });
    expect(created.status).toBe(201);
    const { id: userId } = (await created.json()) as { id: string };
    const client = await createTestClient(server, { scopes: ['read'] });
    const code = await codeFor(client, { user });
    const held = holdCalls(server.app.get(GrantsRepository), 'insertRedeemingCode');
    const exchange = redeem(client, code);
    try {
      await eventually(() => held.arrived === 1, 10_000, 'the exchange to reach its grant insert');
      const deactivated = await server.request(`/admin/v1/users/${userId}`, {
        method: 'PATCH',
        headers: { authorization: server.adminAuthorization },
        json: { active: false },
      });
      expect(deactivated.status).toBe(200);
    } finally {
      held.release();
    }
    expect(await exchange).toEqual(invalidGrant('the user is no longer active'));
    expect(await sql('SELECT id FROM grants WHERE client_id = $1', [client.clientId])).toEqual([]);
  });

  it('AC-1, AC-2: a reused code is invalid_grant and revokes the tokens of the first exchange', async () => {
    const code = await codeFor(confidential);
    const first = await redeem(confidential, code);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect(await introspect(first.body.access_token!)).toMatchObject({ active: true });

    expect(await redeem(confidential, code)).toEqual(ALREADY_USED);
    expect(await introspect(first.body.access_token!)).toEqual({ active: false });
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token! }, confidential);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    const [grant] = await sql<{ revoked_at: Date | null }>('SELECT revoked_at FROM grants WHERE authorization_code_hash = $1', [sha256(code)]);
    expect(grant.revoked_at).not.toBeNull();
  });

  it('AC-3: of 20 parallel redemptions exactly one succeeds', async () => {
    const code = await codeFor(confidential);
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(confidential, code)));
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    const failures = results.filter((result) => result.status !== 200);
    expect(failures).toHaveLength(19);
    for (const failure of failures) expect(failure).toEqual(ALREADY_USED);
  });

  it('AC-4: an expired code is invalid_grant', async () => {
    const code = await codeFor(confidential);
    await sql("UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE code_hash = $1", [sha256(code)]);
    expect(await redeem(confidential, code)).toEqual(invalidGrant('the authorization code has expired'));
  });

  it('codes expire after settings.authorizationCodeLifetimeSeconds (default 60)', async () => {
    const code = await codeFor(confidential);
    const [row] = await sql<{ seconds: number }>(
      'SELECT extract(epoch FROM expires_at - created_at)::float AS seconds FROM authorization_codes WHERE code_hash = $1',
      [sha256(code)],
    );
    expect(Math.round(row.seconds)).toBe(60);
  });

  it("AC-5: another client's code is invalid_grant and stays usable by its own client", async () => {
    const code = await codeFor(confidential);
    expect(await redeem(otherConfidential, code)).toEqual(INVALID_CODE);
    expect((await redeem(confidential, code)).status).toBe(200);
  });

  it('AC-6: redirect_uri missing or different when it was sent to authorize', async () => {
    const mismatch = invalidGrant('redirect_uri does not match the authorization request');
    expect(await redeem(confidential, await codeFor(confidential), {})).toEqual(mismatch);
    expect(await redeem(confidential, await codeFor(confidential), { redirect_uri: `${REDIRECT}/` })).toEqual(mismatch);
    // Not sent at authorize (single registered URI): may be omitted, or repeated identically.
    expect((await redeem(confidential, await codeFor(confidential, { sendRedirectUri: false }), {})).status).toBe(200);
    expect((await redeem(confidential, await codeFor(confidential, { sendRedirectUri: false }))).status).toBe(200);
  });

  it('AC-7: code_verifier missing when a challenge was sent', async () => {
    const { challenge } = pkcePair();
    expect(await redeem(publicClient, await codeFor(publicClient, { challenge }))).toEqual(invalidGrant('code_verifier is required'));
  });

  it('AC-8: a wrong verifier burns the code: the right one afterwards fails too', async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(publicClient, { challenge });
    expect(await redeem(publicClient, code, { redirect_uri: REDIRECT, code_verifier: pkcePair().verifier })).toEqual(WRONG_VERIFIER);
    expect(await redeem(publicClient, code, { redirect_uri: REDIRECT, code_verifier: verifier })).toEqual(ALREADY_USED);
  });

  it('AC-9: a verifier for a code issued without a challenge (PKCE downgrade)', async () => {
    const code = await codeFor(confidential);
    expect(await redeem(confidential, code, { redirect_uri: REDIRECT, code_verifier: pkcePair().verifier })).toEqual(
      invalidGrant('code_verifier sent, but the authorization request had no code_challenge'),
    );
  });

  it('AC-10: verifiers of 1 or 129 characters, or with illegal characters', async () => {
    for (const verifier of ['a', 'a'.repeat(129), `${'a'.repeat(42)}+`]) {
      const { challenge } = pkcePair();
      expect(await redeem(publicClient, await codeFor(publicClient, { challenge }), { redirect_uri: REDIRECT, code_verifier: verifier })).toEqual(
        WRONG_VERIFIER,
      );
    }
  });

  it('AC-11: a user disabled or deleted after the consent', async () => {
    const user = { username: 'alice', password: 'alice-password' };
    const created = await server.request('/admin/v1/users', {
      method: 'POST',
      json: { ...user, permissions: [] },
      headers: { authorization: server.adminAuthorization },
    });
    const { id } = (await created.json()) as { id: string };
    const disabledCode = await codeFor(confidential, { user });
    const deletedCode = await codeFor(confidential, { user });
    await server.request(`/admin/v1/users/${id}`, { method: 'PATCH', json: { active: false }, headers: { authorization: server.adminAuthorization } });
    expect(await redeem(confidential, disabledCode)).toEqual(invalidGrant('the resource owner is no longer active'));
    await server.request(`/admin/v1/users/${id}`, { method: 'DELETE', headers: { authorization: server.adminAuthorization } });
    expect((await redeem(confidential, deletedCode)).body.error).toBe('invalid_grant');
  });

  it('AC-12: a guessed code is invalid_grant; codes are 256-bit and stored only as their SHA-256', async () => {
    expect(await redeem(confidential, 'A'.repeat(43))).toEqual(INVALID_CODE);
    const code = await codeFor(confidential);
    expect(Buffer.from(code, 'base64url')).toHaveLength(32);
    const rows = await sql<{ code_hash: string }>('SELECT code_hash FROM authorization_codes');
    expect(rows.map((row) => row.code_hash)).toContain(sha256(code));
    expect(rows.map((row) => row.code_hash)).not.toContain(code);
  });

  it('AC-13: a client no longer registered for authorization_code is unauthorized_client', async () => {
    const client = await createTestClient(server, { grants: ['authorization_code', 'client_credentials'] });
    const code = await codeFor(client);
    await patchClient(server, client.clientId, { grants: ['client_credentials'] });
    const result = await redeem(client, code);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('unauthorized_client');
  });

  it('a confidential client must authenticate to redeem its code', async () => {
    const code = await codeFor(confidential);
    const result = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: confidential.clientId });
    expect(result.status).toBe(401);
    expect(result.body.error).toBe('invalid_client');
  });
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
