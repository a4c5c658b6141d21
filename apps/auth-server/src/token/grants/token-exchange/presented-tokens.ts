import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier, type VerifiedAccessToken } from '../../../tokens/access-token-verifier.js';
import { isLiveGrant, type GrantWithState } from '../../../tokens/grant.js';
import { GrantsRepository } from '../../../tokens/grants.repository.js';

/** An access token of this server that is active now, with its grant. */
export interface ActiveToken {
  claims: VerifiedAccessToken;
  grant: GrantWithState;
}

/**
 * Judges a subject or actor token as introspection does: our signature, not expired, and its grant
 * (read now, not from a cache: an exchange must not outlive a revocation by a cache's lag) not
 * revoked, with its client and its user, if any, still active. null for anything else.
 */
@Injectable()
export class PresentedTokens {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
  ) {}

  async active(token: string): Promise<ActiveToken | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    const grant = await this.grants.findWithState(claims.gid);
    if (!grant || !isLiveGrant(grant) || grant.clientId !== claims.client_id) return null;
    return { claims, grant };
  }
}
