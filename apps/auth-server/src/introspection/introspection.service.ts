import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { AccessTokenVerifier, type VerifiedAccessToken } from '../tokens/access-token-verifier.js';
import type { GrantWithState } from '../tokens/grant.js';
import { GrantsRepository } from '../tokens/grants.repository.js';
import { hashToken, looksLikeJwt } from '../tokens/refresh-token.js';
import { LiveGrantCache } from './live-grant-cache.js';

/** RFC 7662 §2.2: an inactive token gets exactly this, nothing else. */
export const INACTIVE = { active: false } as const;

export type IntrospectionResponse = typeof INACTIVE | ({ active: true } & Record<string, unknown>);

/**
 * Active means: our signature, not expired, and its grant (one joined query) not revoked, with
 * the client still active and the user, if any, still there and active (IN-3, IN-4).
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
    private readonly liveGrants: LiveGrantCache,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async introspect(token: string): Promise<IntrospectionResponse> {
    return looksLikeJwt(token) ? this.accessToken(token) : this.refreshToken(token);
  }

  private async accessToken(token: string): Promise<IntrospectionResponse> {
    const claims = await this.verifier.verify(token);
    if (!claims) return INACTIVE;
    const grant = await this.liveGrants.get(claims.gid, () => this.grants.findWithState(claims.gid), isLive);
    if (!grant || !isLive(grant) || grant.clientId !== claims.client_id) return INACTIVE;
    return accessTokenAnswer(claims, grant);
  }

  private async refreshToken(token: string): Promise<IntrospectionResponse> {
    const grant = await this.grants.findByRefreshHash(hashToken(token));
    if (!grant || !isLive(grant)) return INACTIVE;
    return {
      active: true,
      scope: grant.scopes.join(' '),
      client_id: grant.clientId,
      ...(grant.username ? { username: grant.username } : {}),
      token_type: 'refresh_token',
      iat: Math.floor(grant.issuedAt.getTime() / 1000),
      sub: grant.username ?? grant.clientId,
      iss: this.config.issuer,
    };
  }
}

function isLive(grant: GrantWithState): boolean {
  return !grant.revokedAt && grant.clientActive && (grant.userId === null || grant.userActive === true);
}

function accessTokenAnswer(claims: VerifiedAccessToken, grant: GrantWithState): IntrospectionResponse {
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    ...(grant.username ? { username: grant.username } : {}),
    token_type: 'Bearer',
    ...(claims.exp !== undefined ? { exp: claims.exp } : {}),
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
  };
}
