import { InvalidGrant } from '#oauth';
import type { AuthorizationCode } from '../../../authorization-codes/authorization-code.js';
import { verifierMatchesChallenge } from './pkce-verifier.js';

/** Every failure below is invalid_grant (RFC 6749 §5.2); the descriptions stay vague on purpose. */

export function assertNotExpired(code: AuthorizationCode, now = new Date()): void {
  if (code.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
}

/** RFC 6749 §4.1.3: redirect_uri must be repeated, identically, when it was sent to authorize. */
export function assertRedirectUriRepeated(code: AuthorizationCode, request: { redirect_uri?: string }): void {
  const presented = request.redirect_uri;
  if (code.redirectUriSent ? presented !== code.redirectUri : presented !== undefined && presented !== code.redirectUri) {
    throw new InvalidGrant('redirect_uri does not match the authorization request');
  }
}

/** RFC 9449 §10: a code bound to a DPoP key is exchanged only with a proof of that key. */
export function assertDpopKey(code: AuthorizationCode, dpopJkt: string | undefined): void {
  if (code.dpopJkt === null) return;
  if (dpopJkt === undefined) throw new InvalidGrant('the authorization code is bound to a DPoP key: send a DPoP proof of it');
  if (dpopJkt !== code.dpopJkt) throw new InvalidGrant('the DPoP proof is not signed by the key the authorization code is bound to');
}

/**
 * RFC 7636 §4.6: a code bound to a challenge needs the matching verifier; a verifier for a code
 * issued without a challenge is a downgrade attempt (RFC 9700 §4.8.2).
 */
export function assertPkce(code: AuthorizationCode, request: { code_verifier?: string }): void {
  const verifier = request.code_verifier;
  if (code.codeChallenge === null) {
    if (verifier !== undefined) throw new InvalidGrant('code_verifier sent, but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required');
  if (!verifierMatchesChallenge(verifier, code.codeChallenge)) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
