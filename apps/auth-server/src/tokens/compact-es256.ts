import { KeyObject, sign, type webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/**
 * One ES256 JWS (RFC 7515 compact serialization) with node:crypto's ECDSA. Same output format as
 * jose's SignJWT (JOSE R||S signature, base64url parts) without WebCrypto's per-call algorithm
 * normalisation, which the profile showed as the largest single cost of issuing a token. The
 * signature itself runs on libuv's thread pool (the callback form), as WebCrypto's does: the
 * ECDSA was a quarter of the event loop's time per token, and handing it off costs ~10 us there,
 * so the loop parses, authenticates and answers other requests meanwhile, and a second core
 * does the signing. Still exactly one signature per token.
 */
export function signCompactEs256(header: object, payload: object, key: CryptoKey): Promise<string> {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  const input = `${encodedHeader(header)}.${base64url(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' }, (error, signature) =>
      error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`),
    );
  });
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
