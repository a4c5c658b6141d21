import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { SyncEnvelope } from '#sync';
import { envelopeFromFields } from '#sync/stream-entry';
import { ENFORCEMENT_WAIT_MS, eventually, redisServerAvailable, TestRedis } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, grantIdOf, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, tokenRequest } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';
import { sql } from '../../apps/auth-server/test/support/token-fixtures.js';
import { lastOutboxSeq, publishedOutboxSeq } from '../../apps/auth-server/test/support/outbox-seqs.js';

jest.setTimeout(90_000);

/** KeyStore re-reads the keys every 5 s: a rotation through one instance reaches the other within that. */
const KEY_RELOAD_MS = 5000;
const REDIRECT = 'https://app.example.com/callback';
/** Generous: the relay polls every 50 ms, but CI shares two cores with PostgreSQL and Redis. */
const SETTLE_MS = 20_000;

/**
 * Scale-out (issue 6 item 7): two auth-server instances on ONE database, as behind a load
 * balancer (same issuer), and two resource servers (each its own database and consumer group) on
 * one Redis of the test's own, so the whole stream can be read back with XRANGE.
 */
(redisServerAvailable() ? describe : describe.skip)('scale-out: two auth servers, two resource servers, one PostgreSQL, one Redis', () => {
  const stream = `portcullis:test:scale-out:${randomBytes(6).toString('hex')}`;
  let redis: TestRedis;
  const auth: RunningAuthServer[] = [];
  const replicas: RunningResourceServer[] = [];

  async function refusedEverywhere(token: string): Promise<void> {
    for (const rs of replicas) {
      await eventually(async () => (await probe(rs, token)).status === 401, ENFORCEMENT_WAIT_MS, `${rs.baseUrl} to refuse the token`);
      expect((await probe(rs, token)).challenge).toMatch(INVALID_TOKEN_CHALLENGE);
    }
  }

  async function acceptedEverywhere(token: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<void> {
    for (const rs of replicas) {
      await eventually(async () => (await probe(rs, token)).status === 200, timeoutMs, `${rs.baseUrl} to accept the token`);
    }
  }

  async function tokenStatus(as: RunningAuthServer, client: StackClient): Promise<number> {
    const response = await as.request('/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function settled(): Promise<void> {
    const last = await publishedOutboxSeq(auth[0], SETTLE_MS);
    for (const rs of replicas) await eventually(() => rs.lastAppliedSeq() >= last, SETTLE_MS, `${rs.baseUrl} to reach seq ${last}`);
  }

  beforeAll(async () => {
    redis = await TestRedis.start();
    const first = await startStackAuthServer({ redisUrl: redis.url, syncStream: stream });
    auth.push(first);
    // The second instance: same database, same issuer (a load balancer's URL), its own port.
    auth.push(await startStackAuthServer({ redisUrl: redis.url, syncStream: stream, issuer: first.baseUrl }, {}, { database: first.database }));
    // Each replica reaches the auth servers through a different instance, as a load balancer might send it.
    for (const via of auth) {
      replicas.push(
        await startTestResourceServer({ issuer: first.baseUrl, env: { AUTH_SERVER_URL: via.baseUrl }, overrides: { redisUrl: redis.url }, syncStream: stream }),
      );
    }
    await Promise.all(replicas.map((rs) => rs.waitUntilReady(20_000)));
  });

  afterAll(async () => {
    for (const rs of replicas) await rs.close();
    // The second instance first: the first one owns (and drops) the shared database.
    for (const as of [...auth].reverse()) await as.close();
    await redis?.stop();
  });

  it('deactivations and revocations made through either auth server are enforced by both resource servers and both auth servers', async () => {
    const [as1, as2] = auth;
    const a = await createStackClient(as1, 'Scale Out A');
    const b = await createStackClient(as2, 'Scale Out B');
    // Tokens from the instance that did not create the client: its registry cache must see it.
    const aTokens = [await clientCredentialsToken(as2, a), await clientCredentialsToken(as1, a)];
    const bTokens = [await clientCredentialsToken(as1, b), await clientCredentialsToken(as2, b)];
    for (const token of [...aTokens, ...bTokens]) await acceptedEverywhere(token);

    await adminOk(as1, 'DELETE', `/admin/v1/tokens/${grantIdOf(aTokens[0])}`);
    await adminOk(as2, 'DELETE', `/admin/v1/tokens/${grantIdOf(bTokens[0])}`);
    await refusedEverywhere(aTokens[0]);
    await refusedEverywhere(bTokens[0]);
    // Revocation is per grant: the clients' other tokens still work everywhere.
    await acceptedEverywhere(aTokens[1]);
    await acceptedEverywhere(bTokens[1]);

    await adminOk(as1, 'PATCH', `/admin/v1/clients/${a.clientId}`, { active: false });
    await adminOk(as2, 'PATCH', `/admin/v1/clients/${b.clientId}`, { active: false });
    await refusedEverywhere(aTokens[1]);
    await refusedEverywhere(bTokens[1]);
    // Both auth servers refuse both clients, whichever instance made the change (cache poll ~250 ms).
    for (const as of auth) {
      for (const client of [a, b])
        await eventually(async () => (await tokenStatus(as, client)) === 401, ENFORCEMENT_WAIT_MS, `${as.baseUrl} to refuse ${client.clientId}`);
    }
  });

  it('a key rotation through the second auth server: both sign with and publish the new key, both resource servers accept its tokens', async () => {
    const [as1, as2] = auth;
    const client = await createStackClient(as1, 'Scale Out Keys');
    const before = await clientCredentialsToken(as1, client);
    const oldKid = decodeProtectedHeader(before).kid;
    // The delay outlasts the other instance's key reload, so it never signs with a key it has not seen retire.
    const { kid } = await adminOk<{ kid: string }>(as2, 'POST', '/admin/v1/keys/rotate', { activationDelaySeconds: KEY_RELOAD_MS / 1000 + 2 });
    expect(kid).not.toBe(oldKid);

    const jwksKids = async (as: RunningAuthServer) => ((await (await as.request('/oauth/jwks')).json()) as JSONWebKeySet).keys.map((key) => key.kid);
    await eventually(async () => (await jwksKids(as1)).includes(kid), KEY_RELOAD_MS + 1000, 'the first auth server to publish the new key');
    expect(await jwksKids(as2)).toContain(kid);

    const signedWithNewKey = async (as: RunningAuthServer) => decodeProtectedHeader(await clientCredentialsToken(as, client)).kid === kid;
    for (const as of auth) await eventually(() => signedWithNewKey(as), KEY_RELOAD_MS + 5000, `${as.baseUrl} to sign with the new key`);
    for (const as of auth) {
      const token = await clientCredentialsToken(as, client);
      expect(decodeProtectedHeader(token).kid).toBe(kid);
      // A kid the replica has not seen makes it refetch the JWKS (from either instance).
      await acceptedEverywhere(token, 3000);
    }
    // Tokens signed before the rotation still verify until they expire.
    await acceptedEverywhere(before);
    expect(await jwksKids(as1)).toEqual(expect.arrayContaining([oldKid, kid]));
  });

  it('concurrent admin writes through both auth servers: distinct, gap-free seqs, each XADDed exactly once', async () => {
    await settled();
    const from = await lastOutboxSeq(auth[0]);
    const tag = randomBytes(3).toString('hex');
    // Scopes, clients, associations and updates, half through each instance, all at once.
    await Promise.all(
      auth.flatMap((as, instance) =>
        Array.from({ length: 8 }, async (_, i) => {
          const scope = `so.${tag}.${instance}.${i}`;
          await adminOk(as, 'POST', '/admin/v1/scopes', { name: scope, description: scope });
          const client = await adminOk<StackClient>(as, 'POST', '/admin/v1/clients', {
            name: `Scale Out ${tag} ${instance} ${i}`,
            version: '1.0',
            type: 'confidential',
            redirectUris: [],
            grants: ['client_credentials'],
          });
          await adminOk(auth[1 - instance], 'PUT', `/admin/v1/clients/${client.clientId}/scopes/${scope}`);
          await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { version: '2.0' });
        }),
      ),
    );
    await settled();

    const rows = await sql<{ seq: string; kind: string; entity_id: string; entity_version: string; payload: unknown }>(
      auth[0],
      'SELECT seq, kind, entity_id, entity_version, payload FROM outbox_events WHERE seq > $1 ORDER BY seq',
      [from],
    );
    // 2 instances x 8 x (scope, client, association, update); nothing rolled back, so no seq is burnt.
    expect(rows).toHaveLength(64);
    expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 64 }, (_, i) => from + 1 + i));

    const reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await reader.connect();
    let entries: [string, string[]][];
    try {
      entries = await reader.xrange(stream, '-', '+');
    } finally {
      reader.disconnect();
    }
    // The whole stream is this test's: every outbox row since the start is in it exactly once.
    const allRows = await sql<{ seq: string }>(auth[0], 'SELECT seq FROM outbox_events ORDER BY seq');
    expect(entries.map(([id]) => id)).toEqual(allRows.map((row) => `${row.seq}-0`));
    const envelopes = entries.map(([, fields]) => envelopeFromFields(fields) as SyncEnvelope);
    // No event appears under two seqs: each (kind, entity, version) is published once.
    const identities = envelopes
      .filter((envelope) => envelope.kind !== 'tokens.revoked')
      .map((envelope) => `${envelope.kind}|${envelope.entityId}|${envelope.entityVersion}`);
    expect(new Set(identities).size).toBe(identities.length);
    const published = new Map(envelopes.map((envelope) => [envelope.seq, envelope]));
    for (const row of rows) {
      expect(published.get(Number(row.seq))).toMatchObject({
        kind: row.kind,
        entityId: row.entity_id,
        entityVersion: Number(row.entity_version),
        payload: row.payload,
      });
    }
    // prevSeq chains every entry to the one before it: no consumer saw a gap (and resynced).
    envelopes.forEach((envelope, i) => expect(envelope.prevSeq).toBe(i === 0 ? 0 : envelopes[i - 1].seq));
    for (const rs of replicas) expect(rs.lastAppliedSeq()).toBe(from + 64);
  });

  it('a refresh token raced on both auth servers at once has exactly one winner', async () => {
    const [as1, as2] = auth;
    const client = await createTestClient(as2, { type: 'confidential', scopes: ['read'], refreshCount: { mode: 'unlimited' } });
    // The login at one instance, the code exchange at the other: no sticky sessions needed.
    const { location } = await authorizeThroughPages(
      as1,
      authorizePath({ response_type: 'code', client_id: client.clientId, scope: 'read', state: 'so' }),
      TEST_ADMIN,
    );
    const issued = await tokenRequest(
      as2,
      { grant_type: 'authorization_code', code: codeFrom(location, REDIRECT, 'so') },
      { clientId: client.clientId, clientSecret: client.clientSecret },
    );
    expect(issued.status).toBe(200);
    const refreshToken = issued.body.refresh_token!;
    await acceptedEverywhere(issued.body.access_token!);

    const racers = Array.from({ length: 12 }, (_, i) =>
      tokenRequest(auth[i % 2], { grant_type: 'refresh_token', refresh_token: refreshToken }, { clientId: client.clientId, clientSecret: client.clientSecret }),
    );
    const results = await Promise.all(racers);
    const winners = results.filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((result) => result.status !== 200)) {
      expect(loser).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'the refresh token is invalid' } });
    }
  });
});
