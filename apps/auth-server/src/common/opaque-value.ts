import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: codes and browser handles cannot be guessed (RFC 6819 §5.1.4.2.2). */
export function generateOpaqueValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this hash is stored, so a database read does not yield usable codes or handles. */
export function hashOpaqueValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
