import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { generateKeyPair } from 'jose';
import { deadLetterStreamOf, signEvent, type SyncEnvelope } from '#sync';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, scopeSnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

jest.setTimeout(60_000);

const redisUrl = process.env.TEST_REDIS_URL;

/**
 * Anything that can write to the Redis stream (issue 12, item 3): the resource server applies only
 * envelopes the auth server signed, checks their schema and seq, and dead-letters everything else
 * without stalling. The stream is named by SYNC_STREAM alone (no test-only override).
 */
(redisUrl ? describe : describe.skip)('resource server: events it can trust (Redis Streams)', () => {
  const stream = `portcullis:test:signed:${randomBytes(6).toString('hex')}`;
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let redis: Redis;
  let token: string;
  let seq = 0;
  /** Foreign entries get ids between the last real seq and the next (`<seq>-<n>`), as an intruder's would. */
  let intruder = 0;

  /** Publishes as the relay does, and keeps the fake auth server's snapshot in step with it. */
  async function publishSigned(event: SyncEnvelope): Promise<void> {
    await redis.xadd(stream, `${event.seq}-0`, 'seq', String(event.seq), 'envelope', await authServer.signEvent(event));
    seq = event.seq;
    intruder = 0;
    if (event.kind === 'client.upserted')
      authServer.snapshot = registrySnapshot({
        seq,
        clients: [event.payload, clientSnapshot({ clientId: 'admin-tool', name: 'Admin tool', scopes: ['rs.admin'] })],
      });
    else authServer.snapshot = { ...authServer.snapshot!, seq };
  }

  async function writeForeign(envelopeField: string): Promise<void> {
    await redis.xadd(stream, `${seq}-${++intruder}`, 'seq', '1', 'envelope', envelopeField);
  }

  async function deadLetters(): Promise<{ reason: string; entry: string }[]> {
    const entries = await redis.xrange(deadLetterStreamOf(stream), '-', '+');
    return entries.map(([, fields]) => ({ reason: fields[fields.indexOf('reason') + 1], entry: fields[fields.indexOf('entry') + 1] }));
  }

  async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const meStatus = async () => (await rs.request('/api/me', { token })).status;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    redis = new Redis(redisUrl!);
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, SYNC_STREAM: stream }, overrides: { redisUrl } });
    await rs.waitUntilReady();
    token = await authServer.sign();
  }, 30_000);

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
    await redis?.del(stream, deadLetterStreamOf(stream));
    redis?.disconnect();
  });

  it('reads the stream SYNC_STREAM names', async () => {
    expect(rs.config.syncStream).toBe(stream);
    await publishSigned(envelope(1, 'scope.upserted', 1, scopeSnapshot('extra')));
    await rs.waitForSeq(1, 5000);
  });

  it('dead-letters a non-JSON entry (acked, counted, logged) and still applies the events after it', async () => {
    await writeForeign('this is { not json');
    await waitFor(async () => (await deadLetters()).length === 1, 'the dead letter');
    expect(await deadLetters()).toEqual([{ reason: 'malformed', entry: `${seq}-1` }]);
    const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
    expect(groups.map((group) => group[group.indexOf('pending') + 1])).toEqual([0]);
    const metrics = await (await rs.request('/metrics')).text();
    expect(metrics).toMatch(/sync_events_dead_lettered_total\{reason="malformed"\} 1/);

    await publishSigned(envelope(2, 'client.upserted', 2, clientSnapshot({ active: false, entityVersion: 2 })));
    await rs.waitForSeq(2, 5000);
    expect(await meStatus()).toBe(401);
  });

  it('does not let an unsigned or wrongly signed client.upserted re-activate a client', async () => {
    const forged = envelope(3, 'client.upserted', 99, clientSnapshot({ active: true, entityVersion: 99 }));
    await writeForeign(JSON.stringify(forged));
    // Our kid and typ, someone else's key.
    const { privateKey } = await generateKeyPair('ES256');
    await writeForeign(await signEvent(forged, { kid: authServer.kid, key: privateKey }, authServer.issuer));
    // alg "none".
    const none = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    await writeForeign(`${none({ alg: 'none', typ: 'portcullis-event+jwt' })}.${none({ iss: authServer.issuer, evt: forged })}.`);
    await waitFor(async () => (await deadLetters()).length === 4, 'three more dead letters');
    expect((await deadLetters()).slice(1).map((letter) => letter.reason)).toEqual(['unsigned', 'bad-signature', 'unsigned']);
    expect(rs.lastAppliedSeq()).toBe(2);
    expect(await meStatus()).toBe(401);

    // Nothing was frozen: the next real event applies.
    await publishSigned(envelope(3, 'scope.upserted', 2, scopeSnapshot('extra', 2)));
    await rs.waitForSeq(3, 5000);
    expect(await meStatus()).toBe(401);
  });

  it("treats an event signed by another installation's key, or naming another issuer, as foreign", async () => {
    const other = await generateKeyPair('ES256');
    const forged = envelope(4, 'client.upserted', 50, clientSnapshot({ active: true, entityVersion: 50 }));
    await writeForeign(await signEvent(forged, { kid: 'other-installation-key', key: other.privateKey }, authServer.issuer));
    await writeForeign(await signEvent(forged, { kid: authServer.kid, key: authServer.privateKey }, 'http://other-installation.test'));
    await waitFor(async () => (await deadLetters()).length === 6, 'two foreign dead letters');
    expect((await deadLetters()).slice(4).map((letter) => letter.reason)).toEqual(['foreign', 'foreign']);
    expect(await meStatus()).toBe(401);
  });

  it('does not freeze on a huge seq the auth server does not confirm', async () => {
    // Signed with the right key (a corrupt row, a bug): still refused, since the snapshot ends lower.
    await writeForeign(await authServer.signEvent(envelope(9_000_000_000_000, 'scope.upserted', 3, scopeSnapshot('extra', 3))));
    await waitFor(async () => (await deadLetters()).length === 7, 'the unconfirmed seq dead letter');
    expect((await deadLetters())[6].reason).toBe('unconfirmed-seq');
    expect(rs.lastAppliedSeq()).toBe(3);

    await publishSigned(envelope(4, 'client.upserted', 3, clientSnapshot({ active: true, entityVersion: 3 })));
    await rs.waitForSeq(4, 5000);
    expect(await meStatus()).toBe(200);
  });

  it('answers not ready while only entries it must refuse arrive, and ready again once one applies', async () => {
    const ready = async () => (await rs.request('/health/ready')).status;
    expect(await ready()).toBe(200);
    for (let i = 0; i < 3; i++) await writeForeign(`garbage ${i}`);
    await waitFor(async () => (await ready()) === 503, 'readiness to drop');
    const body = await (await rs.request('/health/ready')).text();
    expect(body).toContain('none can be applied');

    await publishSigned(envelope(5, 'scope.upserted', 4, scopeSnapshot('extra', 4)));
    await rs.waitForSeq(5, 5000);
    await waitFor(async () => (await ready()) === 200, 'readiness to recover');
  });
});
