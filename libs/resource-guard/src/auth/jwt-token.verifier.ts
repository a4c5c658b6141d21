import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ACCESS_TOKEN_TYP, InvalidToken, TemporarilyUnavailable, type AccessTokenClaim } from '#oauth';
import type { ResourceGuardConfig } from '../config/resource-guard.config.js';
import type { AccessTokenPrincipal, TokenVerifier } from './access-token.js';
import { boundKeyThumbprint } from './dpop-binding.js';
import { TokenCache } from './token-cache.js';

const CLOCK_TOLERANCE_SECONDS = 30;
const CACHE_ENTRIES = 10_000;
const CACHE_MAX_AGE_MS = 5 * 60 * 1000;
const REQUIRED_CLAIMS: AccessTokenClaim[] = ['sub', 'client_id', 'iat', 'jti'];

/** What a token must look like besides iss, aud and the signature: Portcullis's own tokens, or RFC 9068 from another server. */
export interface JwtProfile {
  algorithms: string[];
  /** The typ header jose requires (exactly), or a predicate checked after verification. */
  typ: string | ((typ: string | undefined) => boolean);
  requiredClaims: string[];
  /** Whether `gid` names a grant the registry may have revoked (only Portcullis writes it). */
  grantIds: boolean;
}

export const PORTCULLIS_JWT_PROFILE: JwtProfile = { algorithms: ['ES256'], typ: ACCESS_TOKEN_TYP, requiredClaims: REQUIRED_CLAIMS, grantIds: true };

/**
 * AUTH_SERVER_MODE=external: asymmetric algorithms only (never none or HS*), typ at+jwt (RFC 9068
 * §2.1, also as application/at+jwt) or the plain JWT many servers still write, and RFC 9068 §2.2's
 * required claims.
 */
export const EXTERNAL_JWT_PROFILE: JwtProfile = {
  algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
  typ: (typ) => ['at+jwt', 'application/at+jwt', 'jwt'].includes(typ?.toLowerCase() ?? ''),
  requiredClaims: ['sub', 'client_id', 'iat', 'jti', 'exp'],
  grantIds: false,
};

/**
 * RFC 9068 local validation (PORTCULLIS_JWT_PROFILE): ES256 only (RFC 8725 §3.1: an explicit allow-list defeats alg:none
 * and HS256-with-the-public-key), typ at+jwt, iss, aud, exp/nbf/iat with 30 s skew. jose rejects
 * unknown `crit` extensions itself. Verified tokens are remembered until they expire.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly cache = new TokenCache<AccessTokenPrincipal>(CACHE_ENTRIES, CACHE_MAX_AGE_MS);

  constructor(
    private readonly config: Pick<ResourceGuardConfig, 'issuer'>,
    private readonly jwks: JWTVerifyGetKey,
    private readonly profile: JwtProfile = PORTCULLIS_JWT_PROFILE,
  ) {}

  cached(token: string): AccessTokenPrincipal | undefined {
    return this.cache.get(token);
  }

  async verify(token: string): Promise<AccessTokenPrincipal> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const payload = await this.verifySignedToken(token);
    const principal = principalOf(payload, this.profile.grantIds);
    this.cache.set(token, principal, principal.expiresAt === undefined ? undefined : principal.expiresAt * 1000);
    return principal;
  }

  private async verifySignedToken(token: string): Promise<JWTPayload> {
    try {
      const { typ } = this.profile;
      const { payload, protectedHeader } = await jwtVerify(token, this.jwks, {
        algorithms: this.profile.algorithms,
        typ: typeof typ === 'string' ? typ : undefined,
        issuer: this.config.issuer,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: this.profile.requiredClaims,
      });
      if (typeof typ === 'function' && !typ(protectedHeader.typ)) throw new InvalidToken('the token is not an access token (typ)');
      // jose checks iat only against maxTokenAge; a token from the future is refused here (RS-5).
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS)
        throw new InvalidToken('the access token is not valid yet');
      return payload;
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      // The keys are missing, not the token wrong (SECURITY-CHECKLIST F-15): the JWKS endpoint timed
      // out, answered no key set (JwksUnavailable from remoteKeySet's fetch, or jose's own generic
      // error for the same), or a key set jose refuses (JWKSInvalid: a proxy's `{}`, say).
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC') {
        throw new TemporarilyUnavailable('the authorization server keys cannot be fetched', (error as Error).message);
      }
      throw new InvalidToken('the access token is invalid', `${error.code}: ${error.message}`);
    }
  }
}

function principalOf(payload: JWTPayload, grantIds: boolean): AccessTokenPrincipal {
  const clientId = payload.client_id;
  const scope = payload.scope ?? '';
  if (typeof clientId !== 'string' || typeof payload.sub !== 'string' || typeof scope !== 'string') throw new InvalidToken();
  if (grantIds && payload.gid !== undefined && typeof payload.gid !== 'string') throw new InvalidToken();
  if (payload.gty !== undefined && typeof payload.gty !== 'string') throw new InvalidToken();
  const jkt = boundKeyThumbprint(payload.cnf);
  const audiences = audiencesOf(payload.aud);
  if (audiences.length === 0) throw new InvalidToken('the access token names no audience');
  return {
    audiences,
    sub: payload.sub,
    clientId,
    scopes: scope.split(' ').filter(Boolean),
    tokenId: payload.jti,
    ...(payload.gty === undefined ? {} : { grantType: payload.gty as string }),
    grantId: grantIds ? (payload.gid as string | undefined) : undefined,
    issuedAt: payload.iat,
    expiresAt: payload.exp,
    ...(jkt === undefined ? {} : { jkt }),
  };
}

/** `aud` as a list: a string, or an array of strings (anything else names no audience). */
export function audiencesOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
}
