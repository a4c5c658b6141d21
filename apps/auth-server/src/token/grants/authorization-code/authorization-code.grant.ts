import { Injectable } from '@nestjs/common';
import { InvalidGrant } from '../../../../../../libs/errors/src/index.js';
import { AuthorizationCodesService } from '../../../authorization-codes/authorization-codes.service.js';
import { GrantTypes, type Client } from '../../../clients/client.js';
import { TokenIssuance } from '../../../tokens/token-issuance.js';
import { TokenRevoker } from '../../../tokens/token-revoker.js';
import type { User } from '../../../users/user.js';
import { UsersService } from '../../../users/users.service.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler, TokenResponse } from '../../grant-handler.js';
import { requireParam } from '../../token-form.js';
import { assertNotExpired, assertPkce, assertRedirectUriRepeated } from './authorization-code-checks.js';

/**
 * RFC 6749 §4.1.3 with RFC 7636. The code is consumed before anything else is checked, so a
 * failed check (a wrong PKCE verifier included) burns it (SECURITY-CHECKLIST AC-8); a code
 * presented again revokes the tokens it produced (RFC 6749 §4.1.2, AC-2).
 */
@Injectable()
@GrantHandlerFor(GrantTypes.authorizationCode)
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = GrantTypes.authorizationCode;

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly users: UsersService,
    private readonly issuance: TokenIssuance,
    private readonly revoker: TokenRevoker,
  ) {}

  async handle({ client, params }: GrantContext): Promise<TokenResponse> {
    const redemption = await this.codes.redeem(requireParam(params, 'code'), client.id);
    if (redemption.outcome === 'replayed') {
      await this.revoker.revokeByAuthorizationCode(redemption.codeHash);
      throw new InvalidGrant('the authorization code was already used');
    }
    if (redemption.outcome === 'unknown') throw new InvalidGrant('the authorization code is invalid');
    const { code } = redemption;
    assertNotExpired(code);
    assertRedirectUriRepeated(code, params);
    assertPkce(code, params);
    const user = await this.activeUser(code.userId);
    const { response } = await this.issuance.issue({
      client,
      user: { id: user.id, username: user.username },
      grantType: this.grantType,
      scopes: code.scopes,
      withRefreshToken: refreshAllowed(client),
      authorizationCodeHash: code.codeHash,
    });
    return response;
  }

  /** The user may have been disabled or deleted since the consent (AC-11). */
  private async activeUser(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || !user.active) throw new InvalidGrant('the resource owner is no longer active');
    return user;
  }
}

/** CONTRACT.md: a refresh token only when the client's refresh count is unlimited or above 0. */
function refreshAllowed(client: Client): boolean {
  return client.refreshCount.mode === 'unlimited' || client.refreshCount.limit > 0;
}
