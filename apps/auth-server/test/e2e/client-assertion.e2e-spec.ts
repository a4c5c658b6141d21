import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { freePort } from '#testing';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { ClientKeys } from '../../src/client-assertion/client-keys.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { sql } from '../support/token-fixtures.js';

jest.setTimeout(60_000);

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ENCRYPTION_KEY = 'a-test-key-for-sealing-client-secrets-0123456789';

interface Registered {
  clientId: string;
  clientSecret?: string;
}

/** A key pair as a client holds it: the private CryptoKey and the public JWK it registers. */
async function keyPair(alg: 'ES256' | 'RS256' | 'PS256' = 'ES256', kid: string = randomUUID()): Promise<{ privateKey: CryptoKey; publicJwk: JWK; privateJwk: JWK; kid: string; alg: string }> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg }, privateJwk: { ...(await exportJWK(pair.privateKey)), kid }, kid, alg };
}

/** A JWKS server under the test's control: its body, status and delay can be changed between requests. */
class KeyServer {
  body = '{"keys":[]}';
  status = 200;
  requests = 0;
  redirect?: string;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests += 1;
      if (this.redirect) return response.writeHead(302, { location: this.redirect }).end();
      response.writeHead(this.status, { 'content-type': 'application/json' }).end(this.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/jwks`;
  }

  serve(keys: JWK[]): void {
    this.body = JSON.stringify({ keys });
    this.status = 200;
    this.redirect = undefined;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/**
 * RFC 7523 client authentication (issue 17 item 3): private_key_jwt with inline keys and with a
 * jwks_uri, client_secret_jwt with the sealed secret, driven by oauth4webapi and openid-client at
 * the token, introspection and revocation endpoints; every refused assertion is 401
 * invalid_client, issues nothing and is audited with its reason.
 */
describe('client authentication with JWT assertions', () => {
  let server: RunningAuthServer;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  const keyServer = new KeyServer();
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` }, { CLIENT_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY });
    issuer = server.config.issuer;
    as = {
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
    };
    await keyServer.start();
    // The key server is on 127.0.0.1: allow-listed as for client metadata documents.
    expect((await admin('PATCH', '/admin/v1/settings', { clientIdMetadataDocumentHosts: ['http://127.0.0.1:*'] })).status).toBe(200);
    expect([201, 409]).toContain((await admin('POST', '/admin/v1/scopes', { name: 'read', description: '' })).status);
  });
  afterAll(async () => {
    await keyServer.stop();
    await server.close();
  });

  async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  let counter = 0;
  async function createClient(fields: Record<string, unknown>): Promise<Registered> {
    counter += 1;
    const created = await admin('POST', '/admin/v1/clients', { name: `Assertion App ${counter}`, version: '1.0', type: 'confidential', grants: ['client_credentials'], ...fields });
    expect(created.status).toBe(201);
    const registered = created.body as unknown as Registered;
    expect((await admin('PUT', `/admin/v1/clients/${registered.clientId}/scopes/read`)).status).toBe(204);
    return registered;
  }

  async function issuedTo(clientId: string): Promise<number> {
    const [row] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM grants g JOIN clients c ON c.id = g.client_ref WHERE c.client_id = $1', [clientId]);
    return row.count;
  }

  async function failures(clientId: string): Promise<{ method: string; reason: string }[]> {
    await server.app.get(AuditWriter).flush();
    const rows = await sql<{ details: { method: string; reason: string } }>(
      server,
      "SELECT details FROM audit_events WHERE action = 'client_authentication.failed' AND target_id = $1 ORDER BY occurred_at",
      [clientId],
    );
    return rows.map((row) => row.details);
  }

  async function tokenWith(form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  interface AssertionSpec {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    omit?: string[];
  }

  /** An assertion as RFC 7523 §3 describes it, then changed by `spec` (the negative cases). */
  async function assertion(clientId: string, key: CryptoKey | Uint8Array, alg: string, spec: AssertionSpec = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60, ...spec.claims };
    for (const name of spec.omit ?? []) delete claims[name];
    return new SignJWT(claims).setProtectedHeader({ alg, ...spec.header }).sign(key);
  }

  function unsigned(clientId: string): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none' })}.${encode({ iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60 })}.`;
  }

  async function expectRefused(clientId: string, form: Record<string, string>, reason: RegExp): Promise<void> {
    const before = { issued: await issuedTo(clientId), failures: (await failures(clientId)).length };
    const answer = await tokenWith(form);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_client');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await issuedTo(clientId)).toBe(before.issued);
    const trail = await failures(clientId);
    expect(trail).toHaveLength(before.failures + 1);
    expect(trail.at(-1)?.reason).toMatch(reason);
  }

  describe('private_key_jwt with registered keys', () => {
    let client: Registered;
    let key: Awaited<ReturnType<typeof keyPair>>;
    let other: Awaited<ReturnType<typeof keyPair>>;

    beforeAll(async () => {
      key = await keyPair('ES256');
      other = await keyPair('ES256', key.kid);
      const rsa = await keyPair('RS256');
      client = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.publicJwk, rsa.publicJwk] } });
    });

    it('gets tokens, introspects and revokes with oauth4webapi', async () => {
      const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
      const registered: oauth.Client = { client_id: client.clientId };
      const tokens = await oauth.processClientCredentialsResponse(as, registered, await oauth.clientCredentialsGrantRequest(as, registered, auth, { scope: 'read' }, insecure));
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });
      const introspected = await oauth.processIntrospectionResponse(as, registered, await oauth.introspectionRequest(as, registered, auth, tokens.access_token, insecure));
      expect(introspected).toMatchObject({ active: true, client_id: client.clientId });
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, registered, auth, tokens.access_token, insecure));
      const after = await oauth.processIntrospectionResponse(as, registered, await oauth.introspectionRequest(as, registered, auth, tokens.access_token, insecure));
      expect(after).toEqual({ active: false });
    });

    it('gets tokens with openid-client, discovering the server', async () => {
      const config = await openid.discovery(new URL(issuer), client.clientId, {}, openid.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), { execute: [openid.allowInsecureRequests] });
      expect(config.serverMetadata().token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
      const tokens = await openid.clientCredentialsGrant(config, { scope: 'read' });
      expect(tokens.access_token).toEqual(expect.any(String));
    });

    it('accepts the endpoint URL as aud, an array aud, and an RSA key without naming its kid', async () => {
      const rsa = await keyPair('PS256');
      const withRsa = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [rsa.publicJwk] } });
      const endpoint = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(withRsa.clientId, rsa.privateKey, 'PS256', { claims: { aud: `${issuer}/oauth/token` } }) });
      expect(endpoint.status).toBe(200);
      const array = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(withRsa.clientId, rsa.privateKey, 'PS256', { claims: { aud: ['https://elsewhere.example', issuer] } }) });
      expect(array.status).toBe(200);
    });

    it('accepts the introspection endpoint\'s own URL as aud there', async () => {
      const token = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await sign() });
      expect(token.status).toBe(200);
      const response = await fetch(`${issuer}/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: token.body.access_token as string, client_assertion_type: JWT_BEARER, client_assertion: await sign({ claims: { aud: `${issuer}/oauth/introspect` } }) }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ active: true, client_id: client.clientId });
    });

    const sign = (spec: AssertionSpec = {}): Promise<string> => assertion(client.clientId, key.privateKey, 'ES256', { header: { kid: key.kid }, ...spec });
    const form = (value: string): Record<string, string> => ({ client_assertion_type: JWT_BEARER, client_assertion: value });

    it('refuses a wrong aud (TC-9)', async () => {
      await expectRefused(client.clientId, form(await sign({ claims: { aud: 'https://other-server.example' } })), /aud/);
      await expectRefused(client.clientId, form(await sign({ claims: { aud: `${issuer}/oauth/introspect` } })), /aud/);
    });

    it('refuses an expired assertion, one without exp, one that expires more than 5 min ahead, and one issued in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(client.clientId, form(await sign({ claims: { iat: now - 600, exp: now - 60 } })), /expired/);
      await expectRefused(client.clientId, form(await sign({ omit: ['exp'] })), /exp/);
      await expectRefused(client.clientId, form(await sign({ claims: { exp: now + 3600 } })), /300 s ahead/);
      await expectRefused(client.clientId, form(await sign({ claims: { iat: now + 600, exp: now + 200 } })), /future|iat/);
      await expectRefused(client.clientId, form(await sign({ claims: { nbf: now + 120, exp: now + 200 } })), /nbf/);
    });

    it('refuses a replayed jti and an assertion without jti (TC-9)', async () => {
      const once = await sign();
      expect((await tokenWith(form(once))).status).toBe(200);
      await expectRefused(client.clientId, form(once), /replayed/);
      await expectRefused(client.clientId, form(await sign({ omit: ['jti'] })), /jti/);
    });

    it('F-13: refuses a jti replayed after a restart: the used ids are in the database, not in memory', async () => {
      const once = await sign();
      expect((await tokenWith(form(once))).status).toBe(200);
      await server.restart();
      await expectRefused(client.clientId, form(once), /replayed/);
    });

    it('refuses an assertion signed by another key, with alg none, or with HS256 keyed by the public key (TC-9)', async () => {
      await expectRefused(client.clientId, form(await assertion(client.clientId, other.privateKey, 'ES256', { header: { kid: key.kid } })), /signature/);
      await expectRefused(client.clientId, form(unsigned(client.clientId)), /alg|not acceptable/);
      const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
      await expectRefused(client.clientId, form(await assertion(client.clientId, publicKeyAsSecret, 'HS256', { header: { kid: key.kid } })), /alg/);
    });

    it('refuses an assertion whose iss is not its sub, or whose key is unknown', async () => {
      await expectRefused(client.clientId, form(await sign({ claims: { iss: 'someone-else' } })), /iss/);
      await expectRefused(client.clientId, form(await sign({ header: { kid: 'no-such-kid' } })), /no registered key/);
    });

    it('refuses the client secret, Basic or posted, for a private_key_jwt client', async () => {
      const secret = client.clientSecret!;
      expect(secret).toEqual(expect.any(String));
      await expectRefused(client.clientId, { client_id: client.clientId, client_secret: secret }, /private_key_jwt, not client_secret_post/);
      const before = (await failures(client.clientId)).length;
      const basic = await tokenWith({}, { authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` });
      expect(basic.status).toBe(401);
      expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await failures(client.clientId)).toHaveLength(before + 1);
    });

    it('answers invalid_request for two methods at once or a client_id that is not the sub, and invalid_client for another assertion type', async () => {
      const both = await tokenWith({ ...form(await sign()), client_secret: 'x' });
      expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      const mismatch = await tokenWith({ ...form(await sign()), client_id: 'another-client' });
      expect(mismatch).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      const type = await tokenWith({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await sign() });
      expect(type).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const garbage = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: 'not-a-jwt' });
      expect(garbage).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    });
  });

  it('throttles failed assertions as it throttles wrong secrets: locked after 10 failures, even for a good assertion', async () => {
    const key = await keyPair('ES256');
    const client = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const bad = async (): Promise<number> =>
      (await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, key.privateKey, 'ES256', { claims: { aud: 'https://wrong.example' } }) })).status;
    for (let attempt = 0; attempt < 10; attempt += 1) expect(await bad()).toBe(401);
    const locked = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, key.privateKey, 'ES256') });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toEqual(expect.any(String));
    expect(await issuedTo(client.clientId)).toBe(0);
  });

  describe('a client registered for a secret', () => {
    it('cannot authenticate with an assertion, even one signed with its secret', async () => {
      const client = await createClient({});
      const secret = new TextEncoder().encode(client.clientSecret!);
      await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, secret, 'HS256') }, /client_secret_basic, not a client assertion/);
      expect((await tokenWith({ client_id: client.clientId, client_secret: client.clientSecret! })).status).toBe(200);
    });
  });

  describe('private_key_jwt with a jwks_uri', () => {
    it('fetches the keys, caches them, and fetches again once for a new kid', async () => {
      // The refetch cooldown (30 s) is checked by the unit spec; here the refetch itself.
      server.app.get(ClientKeys).refetchCooldownMs = 0;
      const first = await keyPair('ES256');
      keyServer.serve([first.publicJwk]);
      const client = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: keyServer.url });
      const auth = (key: typeof first): oauth.ClientAuth => oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
      const registered: oauth.Client = { client_id: client.clientId };
      const requestsBefore = keyServer.requests;
      for (let round = 0; round < 3; round += 1) {
        await oauth.processClientCredentialsResponse(as, registered, await oauth.clientCredentialsGrantRequest(as, registered, auth(first), { scope: 'read' }, insecure));
      }
      expect(keyServer.requests - requestsBefore).toBe(1);
      // The client rotates its keys: the unknown kid makes the server fetch the set once more.
      const second = await keyPair('ES256');
      keyServer.serve([first.publicJwk, second.publicJwk]);
      await oauth.processClientCredentialsResponse(as, registered, await oauth.clientCredentialsGrantRequest(as, registered, auth(second), { scope: 'read' }, insecure));
      expect(keyServer.requests - requestsBefore).toBe(2);
      // A kid the set does not have: one more fetch, then invalid_client.
      const stranger = await keyPair('ES256');
      await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, stranger.privateKey, 'ES256', { header: { kid: stranger.kid } }) }, /no registered key/);
      expect(keyServer.requests - requestsBefore).toBe(3);
    });

    it('refuses assertions while the jwks_uri is down, too large, redirecting or not a key set', async () => {
      const key = await keyPair('ES256');
      const cases: [string, (uri: KeyServer) => void, RegExp][] = [
        ['down', (s) => (s.status = 503), /answered 503/],
        ['too large', (s) => s.serve([{ ...key.publicJwk, x5c: ['x'.repeat(70 * 1024)] }]), /larger than/],
        ['redirecting', (s) => (s.redirect = 'http://127.0.0.1:1/elsewhere'), /redirect/],
        ['holding a private key', (s) => s.serve([key.privateJwk]), /public keys only/],
      ];
      for (const [, setUp, reason] of cases) {
        const server = new KeyServer();
        await server.start();
        setUp(server);
        const client = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: server.url });
        await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, key.privateKey, 'ES256', { header: { kid: key.kid } }) }, reason);
        await server.stop();
      }
      // SSRF: https to a private address is not fetched (only http://127.0.0.1:* is allow-listed here).
      const internal = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://127.0.0.1:9/jwks' });
      await expectRefused(internal.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(internal.clientId, key.privateKey, 'ES256') }, /jwks_uri's host 127\.0\.0\.1 is not a public address/);
      const closedPort = await freePort();
      const unreachable = await createClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `http://127.0.0.1:${closedPort}/jwks` });
      await expectRefused(unreachable.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(unreachable.clientId, key.privateKey, 'ES256') }, /could not be fetched/);
    });
  });

  describe('client_secret_jwt', () => {
    it('gets tokens with oauth4webapi and openid-client, and the secret itself is refused', async () => {
      const client = await createClient({ tokenEndpointAuthMethod: 'client_secret_jwt' });
      const registered: oauth.Client = { client_id: client.clientId };
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        registered,
        await oauth.clientCredentialsGrantRequest(as, registered, oauth.ClientSecretJwt(client.clientSecret!), { scope: 'read' }, insecure),
      );
      expect(tokens.access_token).toEqual(expect.any(String));
      const config = await openid.discovery(new URL(issuer), client.clientId, {}, openid.ClientSecretJwt(client.clientSecret!), { execute: [openid.allowInsecureRequests] });
      expect((await openid.clientCredentialsGrant(config, { scope: 'read' })).access_token).toEqual(expect.any(String));
      await expectRefused(client.clientId, { client_id: client.clientId, client_secret: client.clientSecret! }, /client_secret_jwt, not client_secret_post/);
      await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, new TextEncoder().encode('a-wrong-secret-of-some-length-000000'), 'HS256') }, /signature/);
      await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: unsigned(client.clientId) }, /alg/);
      // An asymmetric signature is not this method's.
      const key = await keyPair('ES256');
      await expectRefused(client.clientId, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, key.privateKey, 'ES256') }, /alg/);
      // The secret is stored sealed, never in clear.
      const [row] = await sql<{ secret_sealed: string }>(server, 'SELECT secret_sealed FROM clients WHERE client_id = $1', [client.clientId]);
      expect(row.secret_sealed).toMatch(/^v1\./);
      expect(row.secret_sealed).not.toContain(client.clientSecret);
    });

    it('keeps the previous secret during a rotation overlap, and a regenerated secret works at once', async () => {
      const client = await createClient({ tokenEndpointAuthMethod: 'client_secret_jwt' });
      const rotated = await admin('POST', `/admin/v1/clients/${client.clientId}/secret`, { previousSecretValidForSeconds: 300 });
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.clientSecret as string;
      for (const secret of [client.clientSecret!, fresh]) {
        const answer = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, new TextEncoder().encode(secret), 'HS256') });
        expect(answer.status).toBe(200);
      }
    });

    it('gives a client moving from Basic to client_secret_jwt a new secret, shown once', async () => {
      const client = await createClient({});
      const changed = await admin('PATCH', `/admin/v1/clients/${client.clientId}`, { tokenEndpointAuthMethod: 'client_secret_jwt' });
      expect(changed.status).toBe(200);
      const secret = changed.body.clientSecret as string;
      expect(secret).toEqual(expect.any(String));
      expect(secret).not.toBe(client.clientSecret);
      const answer = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.clientId, new TextEncoder().encode(secret), 'HS512') });
      expect(answer.status).toBe(200);
    });
  });

  describe('registering keys', () => {
    it('refuses private keys, keys for a secret method, private_key_jwt without keys and a jwks_uri over plain http elsewhere', async () => {
      const key = await keyPair('ES256');
      const refusals: [Record<string, unknown>, string][] = [
        [{ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.privateJwk] } }, 'jwks'],
        [{ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'jwks'],
        [{ tokenEndpointAuthMethod: 'client_secret_basic', jwks: { keys: [key.publicJwk] } }, 'jwks'],
        [{ tokenEndpointAuthMethod: 'private_key_jwt' }, 'jwks'],
        [{ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, jwksUri: 'https://keys.example/jwks' }, 'jwks'],
        [{ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://keys.example/jwks' }, 'jwksUri'],
        [{ tokenEndpointAuthMethod: 'none' }, 'tokenEndpointAuthMethod'],
        [{ type: 'public', grants: ['authorization_code'], redirectUris: ['https://app.example/cb'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, 'tokenEndpointAuthMethod'],
      ];
      for (const [fields, field] of refusals) {
        const answer = await admin('POST', '/admin/v1/clients', { name: `Refused ${randomUUID()}`, version: '1', type: 'confidential', grants: ['client_credentials'], ...fields });
        expect(answer.status).toBe(400);
        expect((answer.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
      }
    });

    it('registers a private_key_jwt client dynamically (RFC 7591) and refuses a private key there', async () => {
      expect((await admin('PATCH', '/admin/v1/settings', { dynamicRegistration: 'open', registrationPolicy: { grantTypes: ['client_credentials'], maxScopes: 10, registrationsPerIpPerHour: 100, deleteUnusedAfterDays: 30 } })).status).toBe(200);
      const key = await keyPair('ES256');
      const register = (body: unknown): Promise<Response> => fetch(`${issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const refused = await register({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.privateJwk] } });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_client_metadata' });
      const answer = await register({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, require_pushed_authorization_requests: true });
      expect(answer.status).toBe(201);
      const registered = (await answer.json()) as { client_id: string; token_endpoint_auth_method: string; require_pushed_authorization_requests: boolean };
      expect(registered.token_endpoint_auth_method).toBe('private_key_jwt');
      expect(registered.require_pushed_authorization_requests).toBe(true);
      expect((await admin('GET', `/admin/v1/clients/${registered.client_id}`)).body).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', requirePushedAuthorizationRequests: true });
      const ok = await tokenWith({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(registered.client_id, key.privateKey, 'ES256') });
      expect(ok.status).toBe(200);
      expect((await admin('PATCH', '/admin/v1/settings', { dynamicRegistration: 'off' })).status).toBe(200);
    });
  });

  it('advertises the methods and algorithms at every endpoint that authenticates clients', async () => {
    const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, string[]>;
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt']);
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    for (const name of ['token', 'introspection', 'revocation']) {
      expect(metadata[`${name}_endpoint_auth_signing_alg_values_supported`]).toEqual(expect.arrayContaining(['ES256', 'RS256', 'PS256', 'HS256']));
      expect(metadata[`${name}_endpoint_auth_signing_alg_values_supported`]).not.toContain('none');
    }
  });
});

describe('client authentication without CLIENT_SECRET_ENCRYPTION_KEY', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('neither offers nor accepts client_secret_jwt', async () => {
    const metadata = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as Record<string, string[]>;
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
    const answer = await server.request('/admin/v1/clients', {
      method: 'POST',
      json: { name: 'No HMAC', version: '1', type: 'confidential', grants: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_jwt' },
      headers: { authorization: server.adminAuthorization },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toMatch(/CLIENT_SECRET_ENCRYPTION_KEY/);
  });
});
