import { Injectable } from '@nestjs/common';
import { DpopBinding, type ProofContext } from '#dpop';
import { InsufficientScope, InvalidToken, type PresentedAccessToken } from '#oauth';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { claimsForScopes } from '../users/profile/scope-claims.js';
import { UserProfileCache } from '../users/profile/user-profile-cache.js';
import type { UserProfile } from '../users/profile/user-profile.js';

export const OPENID_SCOPE = 'openid';

export type UserinfoResponse = { sub: string } & Partial<UserProfile>;

/**
 * OpenID Connect Core 1.0 §5.3. The token is judged as introspection judges it (our signature,
 * not expired, grant not revoked, client and user active), whatever its audience: every access
 * token names a resource server as its `aud`, none names this endpoint, and an `openid` grant is
 * what entitles its client to the user's claims (docs/oidc-userinfo.md).
 */
@Injectable()
export class UserinfoService {
  constructor(
    private readonly introspection: IntrospectionService,
    private readonly profiles: UserProfileCache,
    private readonly binding: DpopBinding,
  ) {}

  async claimsFor(presented: PresentedAccessToken, proof: ProofContext): Promise<UserinfoResponse> {
    const active = await this.introspection.activeAccessToken(presented.token);
    if (!active) throw new InvalidToken('the access token is invalid, expired or revoked');
    // RFC 9449 §7: userinfo is a protected resource like any other; a bound token needs its proof.
    const bound = { jkt: active.claims.cnf?.jkt };
    if (DpopBinding.applies(bound, presented)) await this.binding.check(bound, presented, proof);
    if (!active.scopes.includes(OPENID_SCOPE)) throw new InsufficientScope([OPENID_SCOPE]);
    const profile = active.grant.userId ? await this.profiles.get(active.grant.userId) : null;
    // A client_credentials token has no end-user; a user deleted since the grant check has none left.
    if (!profile) throw new InvalidToken('the access token does not belong to an active user');
    return { ...claimsForScopes(profile, active.scopes), sub: active.claims.sub };
  }
}
