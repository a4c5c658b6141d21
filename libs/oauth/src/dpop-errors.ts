import { OAuthError } from './oauth-error.js';

/** Where a DPoP refusal is answered: the token endpoint (400, RFC 9449 §5) or a protected resource (401 with a DPoP challenge, §7.1). */
export type DpopRefusalSite = 'token-endpoint' | 'resource';

/** The `algs` a resource's DPoP challenge offers (RFC 9449 §7.1). */
export const DPOP_CHALLENGE_ALGS = 'ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA';

export function dpopChallenge(error: string, description: string): string {
  return `DPoP error="${error}", error_description="${description}", algs="${DPOP_CHALLENGE_ALGS}"`;
}

/** A DPoP proof refused: missing, malformed, mis-signed, for another request or token, or replayed. */
export class InvalidDpopProof extends OAuthError {
  constructor(description: string, site: DpopRefusalSite = 'token-endpoint') {
    super('invalid_dpop_proof', site === 'resource' ? 401 : 400, description);
    if (site === 'resource') this.withHeader('WWW-Authenticate', dpopChallenge('invalid_dpop_proof', description));
  }
}

/** The server requires its nonce in the proof (RFC 9449 §8, §9): the answer carries the one to use. */
export class UseDpopNonce extends OAuthError {
  constructor(nonce: string, site: DpopRefusalSite = 'token-endpoint', description = 'the DPoP proof must carry the server nonce') {
    super('use_dpop_nonce', site === 'resource' ? 401 : 400, description);
    this.withHeader('DPoP-Nonce', nonce);
    if (site === 'resource') this.withHeader('WWW-Authenticate', dpopChallenge('use_dpop_nonce', description));
  }
}

/**
 * A token refused at a resource for how it was presented (RFC 9449 §7.1–7.2): a DPoP-bound token
 * sent as a bearer token, or a token without a binding sent with the DPoP scheme.
 */
export class InvalidDpopToken extends OAuthError {
  constructor(description: string) {
    super('invalid_token', 401, description);
    this.withHeader('WWW-Authenticate', dpopChallenge('invalid_token', description));
  }
}
