import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { accessTokenFor, basic, createClient, postForm, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

const JWT_MEDIA_TYPE = 'application/token-introspection+jwt';

/** RFC 9701: JWT introspection responses, checked as a resource server would, with jose and the JWKS. */
describe('POST /oauth/introspect with Accept: application/token-introspection+jwt (RFC 9701)', () => {
  let server: RunningAuthServer;
  let resourceServer: TestClient;
  let client: TestClient;
  let jwks: ReturnType<typeof createLocalJWKSet>;

  function introspect(token: string, accept?: string, caller = resourceServer): Promise<Response> {
    return postForm(server, '/oauth/introspect', { token }, { authorization: basic(caller.clientId, caller.secret), ...(accept ? { accept } : {}) });
  }

  async function verified(response: Response, audience = resourceServer.clientId): Promise<Record<string, unknown>> {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(JWT_MEDIA_TYPE);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const jwt = await response.text();
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: server.config.issuer, audience, typ: 'token-introspection+jwt', algorithms: ['ES256'] });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(Object.keys(payload).sort()).toEqual(['aud', 'iat', 'iss', 'token_introspection']);
    return payload.token_introspection as Record<string, unknown>;
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    resourceServer = await createClient(server, { scopes: [], introspection: true });
    client = await createClient(server, { scopes: ['read'] });
    jwks = createLocalJWKSet((await (await server.request('/oauth/jwks')).json()) as JSONWebKeySet);
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers an active token as a JWT signed with the published ES256 key, holding the same answer as the JSON one', async () => {
    const token = await accessTokenFor(server, client, { scope: 'read' });
    const json = (await (await introspect(token)).json()) as Record<string, unknown>;
    expect(json.active).toBe(true);
    expect(await verified(await introspect(token, JWT_MEDIA_TYPE))).toEqual(json);
  });

  it('answers an inactive token as a JWT holding exactly {"active": false}', async () => {
    expect(await verified(await introspect('not-a-token', JWT_MEDIA_TYPE))).toEqual({ active: false });
    // A token of another client, asked about by a caller without the introspection flag: inactive too.
    const other = await createClient(server, { scopes: ['read'] });
    const token = await accessTokenFor(server, client);
    expect(await verified(await introspect(token, JWT_MEDIA_TYPE, other), other.clientId)).toEqual({ active: false });
  });

  it('addresses the JWT to the caller (aud) and types it, so it passes for no access token', async () => {
    const token = await accessTokenFor(server, client);
    const jwt = await (await introspect(token, `application/json;q=0.5, ${JWT_MEDIA_TYPE}`)).text();
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'ES256', typ: 'token-introspection+jwt' });
    await expect(jwtVerify(jwt, jwks, { audience: client.clientId })).rejects.toThrow();
    await expect(jwtVerify(jwt, jwks, { typ: 'at+jwt' })).rejects.toThrow();
  });

  it('keeps the plain JSON answer for no Accept, application/json, */* and a refused JWT type (q=0)', async () => {
    const token = await accessTokenFor(server, client);
    for (const accept of [undefined, 'application/json', '*/*', `${JWT_MEDIA_TYPE};q=0, application/json`]) {
      const response = await introspect(token, accept);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ active: true, client_id: client.clientId });
    }
  });

  it('refuses an unauthenticated caller with the usual JSON 401, whatever it accepts', async () => {
    const response = await postForm(server, '/oauth/introspect', { token: 'x' }, { accept: JWT_MEDIA_TYPE });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('advertises introspection_signing_alg_values_supported in both metadata documents', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = (await (await server.request(path)).json()) as Record<string, unknown>;
      expect(metadata.introspection_signing_alg_values_supported).toEqual(['ES256']);
    }
  });
});
