import { describe, expect, it } from '@jest/globals';
import { errors, exportJWK, generateKeyPair, importJWK, type JWTVerifyGetKey } from 'jose';
import type { SyncEnvelope } from './events.js';
import { readEventUnverified, signEvent, verifyEvent } from './event-token.js';
import { RejectedEvent } from './rejected-event.js';

const ISSUER = 'https://auth.example.com';
const event: SyncEnvelope = {
  seq: 3,
  prevSeq: 2,
  kind: 'scope.deleted',
  entityId: 's',
  entityVersion: 2,
  occurredAt: '2026-01-01T00:00:00.000Z',
  payload: { name: 's', entityVersion: 2 },
};

async function keys() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { signing: { kid: 'k1', key: privateKey }, getKey: (async () => importJWK(publicJwk, 'ES256')) as JWTVerifyGetKey };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof RejectedEvent ? error.reason : 'retry';
  }
}

describe(verifyEvent.name, () => {
  it('returns the envelope the auth server signed', async () => {
    const { signing, getKey } = await keys();
    await expect(verifyEvent(await signEvent(event, signing, ISSUER), getKey, ISSUER)).resolves.toEqual(event);
    expect(readEventUnverified(await signEvent(event, signing, ISSUER))).toEqual(event);
  });

  it('never dead-letters because the JWKS cannot be fetched: the entry is retried', async () => {
    const { signing } = await keys();
    const token = await signEvent(event, signing, ISSUER);
    expect(await outcome(verifyEvent(token, (async () => Promise.reject(new TypeError('fetch failed'))) as JWTVerifyGetKey, ISSUER))).toBe('retry');
    expect(await outcome(verifyEvent(token, (async () => Promise.reject(new errors.JOSEError('Expected 200 OK'))) as JWTVerifyGetKey, ISSUER))).toBe('retry');
    expect(await outcome(verifyEvent(token, (async () => Promise.reject(new errors.JWKSTimeout())) as JWTVerifyGetKey, ISSUER))).toBe('retry');
  });

  it('sorts what it refuses by reason', async () => {
    const { signing, getKey } = await keys();
    const other = await keys();
    expect(await outcome(verifyEvent('{"seq":1}', getKey, ISSUER))).toBe('unsigned');
    expect(await outcome(verifyEvent('{not json', getKey, ISSUER))).toBe('malformed');
    expect(await outcome(verifyEvent('a.b', getKey, ISSUER))).toBe('malformed');
    expect(await outcome(verifyEvent(await signEvent(event, other.signing, ISSUER), getKey, ISSUER))).toBe('bad-signature');
    expect(await outcome(verifyEvent(await signEvent(event, signing, 'https://elsewhere.example.com'), getKey, ISSUER))).toBe('foreign');
    const unknownKid = (async () => Promise.reject(new errors.JWKSNoMatchingKey())) as JWTVerifyGetKey;
    expect(await outcome(verifyEvent(await signEvent(event, signing, ISSUER), unknownKid, ISSUER))).toBe('foreign');
    const schemaless = await signEvent({ ...event, kind: 'client.hacked' } as unknown as SyncEnvelope, signing, ISSUER);
    expect(await outcome(verifyEvent(schemaless, getKey, ISSUER))).toBe('schema');
  });
});
