import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { redisServerAvailable, TestRedis } from '#testing';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { accessTokenHash, jwkThumbprint } from '#dpop';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** RFC 9449 §7 at the resource server's own protected routes (the resource guard), with real proofs over HTTP. */
describe('resource server: DPoP-bound access tokens', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let key: CryptoKey;
  let jwk: JWK;
  let boundToken: string;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    jwk = await exportJWK(pair.publicKey);
    boundToken = await authServer.sign({ sub: 'alice', scope: 'reports.read', cnf: { jkt: jwkThumbprint(jwk as Record<string, unknown>) } });
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  function proof(claims: Record<string, unknown> = {}, signingKey = key, publicJwk = jwk): Promise<string> {
    return new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: `${rs.baseUrl}/api/me`, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(boundToken), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
      .sign(signingKey);
  }

  function me(authorization: string, dpop?: string): Promise<Response> {
    return rs.request('/api/me?x=1', { headers: { authorization, ...(dpop === undefined ? {} : { dpop }) } });
  }

  async function expectDpopRefusal(response: Response, error: string): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP error="${error}"`));
    expect(response.headers.get('www-authenticate')).toMatch(/algs="ES256 /);
    expect(await response.json()).toMatchObject({ error });
  }

  it('admits a bound token with the DPoP scheme and a proof for this request (the query is ignored)', async () => {
    const response = await me(`DPoP ${boundToken}`, await proof());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'alice', clientId: 'app', scopes: ['reports.read'] });
  });

  it('admits the same token again with a new proof, and refuses a proof used before', async () => {
    const once = await proof();
    expect((await me(`DPoP ${boundToken}`, once)).status).toBe(200);
    expect((await me(`DPoP ${boundToken}`, await proof())).status).toBe(200);
    await expectDpopRefusal(await me(`DPoP ${boundToken}`, once), 'invalid_dpop_proof');
  });

  it('refuses the bound token sent as a bearer token, even after it was admitted as DPoP (the cache keeps the binding)', async () => {
    await expectDpopRefusal(await me(`Bearer ${boundToken}`), 'invalid_token');
    await expectDpopRefusal(await me(`Bearer ${boundToken}`, await proof()), 'invalid_token');
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    const bearer = await authServer.sign({ sub: 'alice', scope: 'reports.read' });
    expect((await me(`Bearer ${bearer}`)).status).toBe(200);
    await expectDpopRefusal(await me(`DPoP ${bearer}`, await proof({ ath: accessTokenHash(bearer) })), 'invalid_token');
  });

  it('refuses a missing proof, two proofs, and proofs for another method, URI, token or key', async () => {
    const other = await generateKeyPair('ES256');
    await expectDpopRefusal(await me(`DPoP ${boundToken}`), 'invalid_dpop_proof');
    const twice = await rs.request('/api/me', { headers: [['authorization', `DPoP ${boundToken}`], ['dpop', await proof()], ['dpop', await proof()]] as never });
    expect(twice.status).toBe(401);
    for (const claims of [{ htm: 'POST' }, { htu: `${rs.baseUrl}/api/reports` }, { htu: `https://elsewhere.example/api/me` }, { ath: accessTokenHash('another') }, { ath: undefined }, { iat: Math.floor(Date.now() / 1000) - 300 }]) {
      await expectDpopRefusal(await me(`DPoP ${boundToken}`, await proof(claims)), 'invalid_dpop_proof');
    }
    await expectDpopRefusal(await me(`DPoP ${boundToken}`, await proof({}, other.privateKey, await exportJWK(other.publicKey))), 'invalid_dpop_proof');
    await expectDpopRefusal(await me(`DPoP ${boundToken}`, await proof({}, other.privateKey)), 'invalid_dpop_proof');
  });

  it('refuses a token whose cnf names no key thumbprint', async () => {
    const odd = await authServer.sign({ sub: 'alice', scope: 'reports.read', cnf: { 'x5t#S256': 'abc' } });
    const response = await me(`Bearer ${odd}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });
});

/** Replicas behind one load balancer share the used proof ids through their Redis (RedisReplayStore). */
(redisServerAvailable() ? describe : describe.skip)('resource server replicas: a DPoP proof is used once across them', () => {
  let authServer: FakeAuthServer;
  let redis: TestRedis;
  let replicas: RunningResourceServer[];
  let key: CryptoKey;
  let jwk: JWK;
  let boundToken: string;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    redis = await TestRedis.start();
    const syncStream = `portcullis:test:dpop:${Math.random().toString(36).slice(2)}`;
    replicas = [];
    for (let i = 0; i < 2; i += 1) {
      const replica = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE }, overrides: { redisUrl: redis.url }, syncStream });
      replicas.push(replica);
      await replica.waitUntilReady();
    }
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    jwk = await exportJWK(pair.publicKey);
    boundToken = await authServer.sign({ sub: 'alice', scope: 'reports.read', cnf: { jkt: jwkThumbprint(jwk as Record<string, unknown>) } });
  });

  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await redis?.stop();
    await authServer?.close();
  });

  /** GET /api/me at `replica`, as a load balancer forwards it: the Host the client called is the balancer's. */
  function viaBalancer(replica: RunningResourceServer, dpop: string): Promise<number> {
    const target = new URL(replica.baseUrl);
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: target.hostname, port: target.port, path: '/api/me', headers: { host: 'api.balancer.test', authorization: `DPoP ${boundToken}`, dpop } },
        (response) => (response.resume(), resolve(response.statusCode ?? 0)),
      );
      request.on('error', reject);
      request.end();
    });
  }

  function proof(): Promise<string> {
    return new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: 'http://api.balancer.test/api/me', iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(boundToken) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(key);
  }

  it('admits a proof at one replica and refuses its replay at the other', async () => {
    const once = await proof();
    expect(await viaBalancer(replicas[0], once)).toBe(200);
    expect(await viaBalancer(replicas[1], once)).toBe(401);
    expect(await viaBalancer(replicas[1], await proof())).toBe(200);
  });

  it('keeps checking replays at each replica while Redis is down', async () => {
    await redis.stop();
    try {
      const once = await proof();
      expect(await viaBalancer(replicas[0], once)).toBe(200);
      expect(await viaBalancer(replicas[0], once)).toBe(401);
    } finally {
      await redis.start();
    }
  });
});
