import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_TYP, InvalidToken, TemporarilyUnavailable, type AccessTokenClaim } from '#oauth';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import type { AccessTokenPrincipal, TokenVerifier } from './access-token.js';
import { TokenCache } from './token-cache.js';

const CLOCK_TOLERANCE_SECONDS = 30;
const CACHE_ENTRIES = 10_000;
const CACHE_MAX_AGE_MS = 5 * 60 * 1000;
const REQUIRED_CLAIMS: AccessTokenClaim[] = ['sub', 'client_id', 'iat', 'jti'];

/**
 * RFC 9068 local validation: ES256 only (RFC 8725 §3.1: an explicit allow-list defeats alg:none
 * and HS256-with-the-public-key), typ at+jwt, iss, aud, exp/nbf/iat with 30 s skew. jose rejects
 * unknown `crit` extensions itself. Verified tokens are remembered until they expire.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly cache = new TokenCache<AccessTokenPrincipal>(CACHE_ENTRIES, CACHE_MAX_AGE_MS);

  /** `onJwksFetch` is told of every JWKS request (a metric), through jose's fetch hook. */
  constructor(
    private readonly config: Pick<ResourceServerConfig, 'issuer' | 'authServerUrl' | 'audience'>,
    onJwksFetch?: () => void,
  ) {
    // An unknown kid triggers one refetch, then nothing for 5 s (SECURITY-CHECKLIST RS-12). The
    // cooldown must stay below the auth server's key activation delay (10 s by default): a fetch
    // just before a rotation would otherwise refuse the new key's tokens until it expired.
    this.jwks = createRemoteJWKSet(new URL(`${config.authServerUrl}/oauth/jwks`), {
      cooldownDuration: 5000,
      timeoutDuration: 5000,
      [customFetch]: (url, options) => {
        onJwksFetch?.();
        return fetch(url, options);
      },
    });
  }

  cached(token: string): AccessTokenPrincipal | undefined {
    return this.cache.get(token);
  }

  async verify(token: string): Promise<AccessTokenPrincipal> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const payload = await this.verifySignedToken(token);
    const principal = principalOf(payload);
    this.cache.set(token, principal, principal.expiresAt === undefined ? undefined : principal.expiresAt * 1000);
    return principal;
  }

  private async verifySignedToken(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['ES256'],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: REQUIRED_CLAIMS,
      });
      // jose checks iat only against maxTokenAge; a token from the future is refused here (RS-5).
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS)
        throw new InvalidToken('the access token is not valid yet');
      return payload;
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new TemporarilyUnavailable('the authorization server keys cannot be fetched', (error as Error).message);
      }
      throw new InvalidToken('the access token is invalid', `${error.code}: ${error.message}`);
    }
  }
}

function principalOf(payload: JWTPayload): AccessTokenPrincipal {
  const clientId = payload.client_id;
  const scope = payload.scope ?? '';
  if (typeof clientId !== 'string' || typeof payload.sub !== 'string' || typeof scope !== 'string') throw new InvalidToken();
  if (payload.gid !== undefined && typeof payload.gid !== 'string') throw new InvalidToken();
  return {
    sub: payload.sub,
    clientId,
    scopes: scope.split(' ').filter(Boolean),
    tokenId: payload.jti,
    grantId: payload.gid as string | undefined,
    issuedAt: payload.iat,
    expiresAt: payload.exp,
  };
}
