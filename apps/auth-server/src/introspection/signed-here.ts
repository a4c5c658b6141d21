import { compactVerify, decodeProtectedHeader } from 'jose';
import type { KeyStore } from '../keys/key-store.js';

/**
 * Whether a JWT that AccessTokenVerifier refused still carries the signature of one of our
 * published keys (expired, or not an access token): a token this server issued, which a resource
 * server sees in normal traffic, unlike garbage or a forgery. Asked only after a refusal, so the
 * valid path pays nothing; an expired token pays its signature check twice. A token of a key no
 * longer published reads as not ours: it expired long before its key did.
 */
export async function signedHere(token: string, keys: KeyStore): Promise<boolean> {
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = typeof kid === 'string' ? await keys.verificationKey(kid) : null;
    if (!key) return false;
    await compactVerify(token, key);
    return true;
  } catch {
    return false;
  }
}
