import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_TYP, type AccessTokenPayload } from '#oauth';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore, SIGNING_ALG } from '../keys/key-store.js';

/** The claims introspection and revocation rely on, checked present (isOurs). */
export type VerifiedAccessToken = JWTPayload & Pick<AccessTokenPayload, 'gid' | 'client_id' | 'scope' | 'sub' | 'iat' | 'cnf'>;

/**
 * A verdict: the claims of a valid token, or null with whether the token at least carries the
 * signature of one of our published keys (expired, or not an access token: a token issued here,
 * unlike garbage or a forgery; introspection's scan limit counts only the latter, IN-7).
 */
export interface AccessTokenCheck {
  claims: VerifiedAccessToken | null;
  signedHere: boolean;
}

/** Verified tokens remembered (introspection sees the same token again and again). */
export const MAX_REMEMBERED = 10_000;
/**
 * A minute: a resource server in introspection mode asks again every 10 s (its own cache), and its
 * replicas ask within moments of each other; a token asked about later pays one signature check
 * (~70 µs) again. Five minutes held ~1.2 KB for each token of the last five minutes, 10,000 (12 MB)
 * at the soak's rate alone, a sixth of the auth server's live heap (docs/soak.md, "Session 10").
 */
export const REMEMBER_MS = 60_000;

/**
 * Checks signature, typ, alg and issuer of one of our access tokens; expiry too (jose).
 * A token string verified before skips the ES256 check (same bytes, same signature), but its
 * expiry and its key's publication are checked again on every call: a retired key stops it.
 * Only the signature is remembered; revocation is the caller's business (grant state).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly verified = new Map<string, { payload: VerifiedAccessToken; kid: string; deadline: number }>();

  constructor(
    private readonly keys: KeyStore,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  /** The claims, or null for anything that is not a valid, unexpired token of ours. */
  async verify(token: string): Promise<VerifiedAccessToken | null> {
    return (await this.check(token)).claims;
  }

  /**
   * verify(), saying also why a token was refused. jose checks the claims (exp, typ, iss) only once
   * the signature verified, so a claim refusal means a token signed here: no second signature check.
   * A token of a key no longer published reads as not ours: it expired long before its key did.
   */
  async check(token: string): Promise<AccessTokenCheck> {
    const remembered = this.verified.get(token);
    if (remembered) {
      if (remembered.deadline > Date.now() && (await this.keys.verificationKey(remembered.kid))) return { claims: remembered.payload, signedHere: true };
      this.verified.delete(token);
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.config.issuer,
      });
      if (!isOurs(payload)) return { claims: null, signedHere: true };
      this.remember(token, payload, protectedHeader.kid as string);
      return { claims: payload, signedHere: true };
    } catch (error) {
      return { claims: null, signedHere: error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed };
    }
  }

  /**
   * Entries go in about in deadline order (REMEMBER_MS from now, earlier only for a token about to
   * expire), so the ones past their deadline are dropped from the front here, as well as the oldest
   * beyond MAX_REMEMBERED: the map holds the tokens verified in the last REMEMBER_MS instead of filling
   * to its bound with dead ones (~1.2 KB each, the token string and its claims: 12 MB at the bound,
   * which the soak saw as the auth server's heap creeping for 20 minutes).
   */
  private remember(token: string, payload: VerifiedAccessToken, kid: string): void {
    const now = Date.now();
    for (const [oldest, entry] of this.verified) {
      if (entry.deadline > now && this.verified.size < MAX_REMEMBERED) break;
      this.verified.delete(oldest);
    }
    const deadline = Math.min(now + REMEMBER_MS, payload.exp === undefined ? Infinity : payload.exp * 1000);
    this.verified.set(token, { payload, kid, deadline });
  }

  private async keyFor(header: JWTHeaderParameters) {
    const key = header.kid ? await this.keys.verificationKey(header.kid) : null;
    if (!key) throw new Error('unknown kid');
    return key;
  }
}

function isOurs(payload: JWTPayload): payload is VerifiedAccessToken {
  return (
    typeof payload.gid === 'string' &&
    typeof payload.client_id === 'string' &&
    typeof payload.scope === 'string' &&
    typeof payload.sub === 'string' &&
    typeof payload.iat === 'number'
  );
}
