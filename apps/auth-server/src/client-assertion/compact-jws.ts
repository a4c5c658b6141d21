import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KeyDoesNotFitAlg, verifiesSignatureOnPool } from '#oauth';
import { AssertionRefused } from './assertion-refused.js';

/** A compact JWS taken apart, its signature not yet checked. */
export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * RFC 7515 §5.2 for the compact serialization: three base64url parts, a JSON object header and
 * payload. A `crit` header is refused (no extension is understood here, §4.1.11), as is `b64`.
 */
export function parseCompactJws(token: string, decoded?: UnverifiedClaims | null): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new AssertionRefused('the client assertion is not a compact JWS');
  const header = jsonObject(parts[0], 'header');
  const payload = decoded?.token === token ? decoded.payload : jsonObject(parts[1], 'payload');
  if (header.crit !== undefined || header.b64 !== undefined) throw new AssertionRefused('the client assertion header has an extension this server does not understand (crit, b64)');
  return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), signature: Buffer.from(parts[2], 'base64url') };
}

/** A compact JWS's claims read before its signature is checked, and the token they were read from. */
export interface UnverifiedClaims {
  token: string;
  payload: Record<string, unknown>;
}

/**
 * The claims of what looks like a compact JWS, unverified (who the client says it is), or null:
 * decoded as parseCompactJws decodes them, so that it takes them over instead of decoding twice.
 */
export function unverifiedClaims(token: string): UnverifiedClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !BASE64URL.test(parts[1])) return null;
  try {
    return { token, payload: jsonObject(parts[1], 'payload') };
  } catch {
    return null;
  }
}

function jsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw new AssertionRefused(`the client assertion ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AssertionRefused(`the client assertion ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * Whether `signature` is `alg`'s signature of `input` by `key` (RS, PS, ES, EdDSA), with node:crypto's
 * native verify on libuv's thread pool: the verification was a fifth of the event loop's busy time
 * for a private_key_jwt token request, and the loop serves other requests while it runs.
 */
export async function asymmetricSignatureValid(alg: string, key: KeyObject, input: Buffer, signature: Buffer): Promise<boolean> {
  try {
    return await verifiesSignatureOnPool(alg, key, input, signature);
  } catch (error) {
    if (error instanceof KeyDoesNotFitAlg) return false;
    throw error;
  }
}

/** HS256/384/512 keyed by `secret`, compared in constant time. */
export function hmacSignatureValid(alg: string, secret: string, input: Buffer, signature: Buffer): boolean {
  const hash = HASH[alg.slice(2)];
  if (!alg.startsWith('HS') || !hash) return false;
  const expected = createHmac(hash, secret).update(input).digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}
