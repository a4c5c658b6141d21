import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { parseEnvelope } from './envelope-schema.js';
import type { SyncEnvelope } from './events.js';
import { RejectedEvent } from './rejected-event.js';

/**
 * Each stream entry carries its envelope as a compact JWS signed with the auth server's current
 * access-token key (ES256, its kid), so a resource server checks it against the JWKS it already
 * fetches: no new secret to share, and a key rotation needs nothing extra. The dedicated typ keeps
 * an event from ever being taken for an access token and the other way round (RFC 8725 §3.11).
 */
export const EVENT_TOKEN_TYP = 'portcullis-event+jwt';
export const EVENT_TOKEN_ALG = 'ES256';
/** The claim that holds the envelope. */
const EVENT_CLAIM = 'evt';

export interface EventSigningKey {
  kid: string;
  key: CryptoKey;
}

/** `iss` is AUTH_ISSUER: another installation's events carry its own. */
export function signEvent(envelope: SyncEnvelope, signingKey: EventSigningKey, issuer: string): Promise<string> {
  return new SignJWT({ [EVENT_CLAIM]: envelope })
    .setProtectedHeader({ alg: EVENT_TOKEN_ALG, typ: EVENT_TOKEN_TYP, kid: signingKey.kid })
    .setIssuer(issuer)
    .setIssuedAt()
    .sign(signingKey.key);
}

/**
 * Verifies the signature (ES256 only, typ and iss checked), then the envelope's schema. Throws
 * RejectedEvent for anything that must be dead-lettered; any other error (the JWKS cannot be
 * fetched right now) means "retry later", never "drop".
 */
export async function verifyEvent(raw: string, keys: JWTVerifyGetKey, issuer: string): Promise<SyncEnvelope> {
  assertCompactJws(raw);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(raw, keys, { algorithms: [EVENT_TOKEN_ALG], typ: EVENT_TOKEN_TYP, issuer }));
  } catch (error) {
    throw rejectionFor(error);
  }
  return parseEnvelope(payload[EVENT_CLAIM]);
}

/**
 * The envelope inside an entry without checking any signature: for the relay comparing an entry
 * with its own event, and for tests and tools that read the stream. Never for applying anything.
 */
export function readEventUnverified(raw: string): SyncEnvelope {
  if (raw.trimStart().startsWith('{')) {
    try {
      return parseEnvelope(JSON.parse(raw));
    } catch (error) {
      throw error instanceof RejectedEvent ? error : new RejectedEvent('malformed', 'not JSON');
    }
  }
  assertCompactJws(raw);
  try {
    return parseEnvelope(decodeJwt(raw)[EVENT_CLAIM]);
  } catch (error) {
    throw error instanceof RejectedEvent ? error : new RejectedEvent('malformed', 'not a JWS');
  }
}

function assertCompactJws(raw: string): void {
  if (/^\s*[{[]/.test(raw)) {
    let json = true;
    try {
      JSON.parse(raw);
    } catch {
      json = false;
    }
    throw new RejectedEvent(json ? 'unsigned' : 'malformed', json ? 'a plain JSON envelope, not a signed event' : 'neither a JWS nor JSON');
  }
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(raw)) throw new RejectedEvent('malformed', 'not a compact JWS');
  try {
    decodeProtectedHeader(raw);
  } catch {
    throw new RejectedEvent('malformed', 'the JWS header is unreadable');
  }
}

function rejectionFor(error: unknown): unknown {
  if (error instanceof errors.JWKSNoMatchingKey) return new RejectedEvent('foreign', 'signed with a key this installation never published', true);
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss')
    return new RejectedEvent('foreign', `issued by another installation (${error.message})`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new RejectedEvent('unsigned', 'not signed with ES256');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new RejectedEvent('bad-signature', 'the signature does not verify');
  const refusals = [errors.JWTClaimValidationFailed, errors.JWSInvalid, errors.JWTInvalid, errors.JOSENotSupported, errors.JWKSMultipleMatchingKeys];
  if (refusals.some((type) => error instanceof type))
    return new RejectedEvent('bad-signature', `${(error as errors.JOSEError).code}: ${(error as Error).message}`);
  // Anything else (the JWKS cannot be fetched, times out, answers garbage) is transient: the entry
  // stays pending and is retried, never dropped because the auth server was briefly away.
  return error;
}
