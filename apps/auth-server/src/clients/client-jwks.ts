/** A client's JSON Web Key Set (RFC 7517 §5), public keys only. */
export interface ClientJwks {
  keys: Record<string, unknown>[];
}

/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4): a client's set must not hold one. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const KEY_TYPES = ['RSA', 'EC', 'OKP'];
export const MAX_CLIENT_JWKS_KEYS = 10;
/** A set of ten RSA-4096 keys fits well within it; it bounds what the registry row and the cache hold. */
export const MAX_CLIENT_JWKS_BYTES = 64 * 1024;

/**
 * Why a client's key set cannot be used, or null: an object with a `keys` array of at most ten
 * asymmetric public keys (RSA, EC, OKP), no private or symmetric member, `kid`s unique. A private
 * key registered by mistake is refused rather than stored (SECURITY-CHECKLIST MD-3).
 */
export function clientJwksProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON Web Key Set: an object with a "keys" array';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'must be a JSON Web Key Set with a non-empty "keys" array';
  if (keys.length > MAX_CLIENT_JWKS_KEYS) return `must hold at most ${MAX_CLIENT_JWKS_KEYS} keys`;
  if (JSON.stringify(value).length > MAX_CLIENT_JWKS_BYTES) return `must be at most ${MAX_CLIENT_JWKS_BYTES} bytes`;
  const kids = new Set<string>();
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'each key must be a JSON object';
    const jwk = key as Record<string, unknown>;
    if (typeof jwk.kty !== 'string' || !KEY_TYPES.includes(jwk.kty)) return `each key's kty must be one of ${KEY_TYPES.join(', ')} (public keys only)`;
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'must hold public keys only: a key has a private member';
    if (jwk.kid !== undefined) {
      if (typeof jwk.kid !== 'string') return 'a kid must be a string';
      if (kids.has(jwk.kid)) return 'kids must be unique';
      kids.add(jwk.kid);
    }
  }
  return null;
}

/** A jwks_uri: https, or http on a loopback host (a key server on the same machine in development). */
export function jwksUriProblem(uri: string): string | null {
  if (uri.length > 2048) return 'must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.hash !== '' || uri.includes('#')) return 'must not contain a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must use https, or http on a loopback host';
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
