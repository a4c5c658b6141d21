import { KeyObject, sign, type webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * One ES256 JWS (RFC 7515 compact serialization) with node:crypto's synchronous ECDSA. Same
 * output format as jose's SignJWT (JOSE R||S signature, base64url parts) without WebCrypto's
 * per-call algorithm normalisation and thread-pool round trip, which the profile showed as
 * the largest single cost of issuing a token. Still exactly one signature per token.
 */
export function signCompactEs256(header: object, payload: object, key: CryptoKey): string {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  const input = `${encodedHeader(header)}.${base64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** The header is the same object for every token of a key (see AccessTokenSigner): encode it once. */
const encodedHeaders = new WeakMap<object, string>();
function encodedHeader(header: object): string {
  let encoded = encodedHeaders.get(header);
  if (encoded === undefined) {
    encoded = base64url(header);
    encodedHeaders.set(header, encoded);
  }
  return encoded;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
