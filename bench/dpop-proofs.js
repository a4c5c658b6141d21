// DPoP (RFC 9449) for the benchmarks: a client key, a token bound to it, and proofs made ahead of
// the measured run (one per request, each with its own jti), so that the load generator spends its
// CPU on sending, not on signing, while the server under test verifies one signature per request.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An ES256 key pair with its public JWK (what the proofs carry) and RFC 7638 thumbprint. */
export function dpopKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { kty, crv, x, y };
  const jkt = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return { privateKey, jwk, jkt };
}

/** One proof for `htm htu`, with `ath` when it goes with an access token. */
export function dpopProof(key, htm, htu, accessToken) {
  const header = b64url({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk });
  const claims = { jti: randomBytes(12).toString('base64url'), htm, htu, iat: Math.floor(Date.now() / 1000) };
  if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
  const input = `${header}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** A client_credentials token bound to `key`. */
export async function boundTokenFor(base, clientId, secret, key) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      dpop: dpopProof(key, 'POST', `${base}/oauth/token`),
    },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`DPoP token for ${clientId}: ${response.status} ${await response.text()}`);
  const body = await response.json();
  if (body.token_type !== 'DPoP') throw new Error(`expected a DPoP-bound token, got ${body.token_type}`);
  return body.access_token;
}

/**
 * autocannon options sending `count` fresh proofs, one per request, made now (each is good for
 * 60 s: make them right before the run). Past `count` the last proofs repeat and are refused, which
 * shows as non-2xx: size `count` above what the run can send.
 */
export function withFreshProofs(options, key, htu, accessToken, count) {
  const proofs = Array.from({ length: count }, () => dpopProof(key, 'GET', htu, accessToken));
  let next = 0;
  return {
    ...options,
    headers: { ...options.headers, authorization: `DPoP ${accessToken}` },
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, dpop: proofs[Math.min(next++, count - 1)] } }) }],
  };
}
