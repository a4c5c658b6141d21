import { Injectable } from '@nestjs/common';
import { AccessDenied, AuthorizationPending, ExpiredToken, GrantTypes, InvalidGrant, InvalidScope, OAuthError, SlowDown } from '#oauth';
import { AuditWriter } from '../../../audit/audit-writer.js';
import { hashOpaqueValue } from '../../../common/opaque-value.js';
import type { Client } from '../../../clients/client.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import type { DeviceApproval, DevicePoll } from '../../../device-requests/device-request.js';
import { DeviceRequestsRepository } from '../../../device-requests/device-requests.repository.js';
import { isOpenIdRequest, scopesAllowRefreshToken } from '../../../oidc/openid-scopes.js';
import { ResourceIndicators } from '../../../resources/resource-indicators.js';
import { scopesForUser, stillAssociated } from '../../../scopes/privileged-scopes.js';
import { CodeAlreadyRedeemed, TokenIssuance, UserNoLongerActive } from '../../../tokens/token-issuance.js';
import { TokenRevoker } from '../../../tokens/token-revoker.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { UsersService } from '../../../users/users.service.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import { refreshAllowed } from '../refresh-allowed.js';
import { decidePoll, type PollDecision } from './poll-decision.js';

const PARAMETERS = new GrantParameters(['device_code'], ['resource']);

/**
 * RFC 8628 §3.4–3.5. Each poll is one UPDATE … RETURNING on the device code's index (last poll,
 * interval, spending), so a thousand waiting devices cost a thousand index updates every five
 * seconds and nothing else. Once approved, the tokens are those of the code flow: the same
 * issuance, a refresh token when the client's refresh count and the scopes allow, an id token with
 * openid. A refused poll (not the waiting ones) is audited. A code redeemed again revokes the tokens
 * its redemption issued (RFC 6749 §4.1.2, as for authorization codes): a second poller is either
 * the device confused or someone else holding its code.
 */
@Injectable()
@GrantHandlerFor(GrantTypes.deviceCode)
export class DeviceCodeGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.deviceCode;
  readonly parameters = PARAMETERS;

  constructor(
    private readonly requests: DeviceRequestsRepository,
    private readonly users: UsersService,
    private readonly clients: ClientAuthenticator,
    private readonly issuance: TokenIssuance,
    private readonly revoker: TokenRevoker,
    private readonly resources: ResourceIndicators,
    private readonly audit: AuditWriter,
  ) {}

  async handle({ client, request, dpopJkt }: GrantContext<RequestOf<typeof PARAMETERS>>): Promise<TokenResponse> {
    const poll = await this.requests.poll(hashOpaqueValue(request.device_code), client.id);
    const decision = decidePoll(poll);
    if (decision === 'authorization_pending') throw new AuthorizationPending();
    if (decision === 'slow_down') throw new SlowDown();
    if (decision === 'already_used' && poll) throw await this.replayed(client, poll);
    if (decision !== 'issue' || !poll?.approval) throw this.refusal(client, decision, poll);
    try {
      return await this.issue(client, poll, poll.approval, request.resource, dpopJkt);
    } catch (error) {
      // A concurrent poll got the tokens between this poll and this grant's statement.
      if (error instanceof CodeAlreadyRedeemed) throw await this.replayed(client, poll);
      // A refusal of the tokens (user gone, scope withdrawn, bad resource) is final: the code is
      // spent. Anything else (an outage) spent nothing, and the device's next poll tries again.
      if (error instanceof OAuthError || error instanceof UserNoLongerActive) {
        await this.requests.burn(poll.id);
        // Deactivated between the check above and the grant's row: the token endpoint answers invalid_grant.
        this.audited(client, error instanceof OAuthError ? error.error : 'invalid_grant', poll);
      }
      throw error;
    }
  }

  private async issue(client: Client, poll: DevicePoll, approval: DeviceApproval, resource: string | undefined, dpopJkt: string | undefined): Promise<TokenResponse> {
    const user = await this.users.findById(approval.userId);
    if (!user?.active) throw new InvalidGrant('the resource owner is no longer active');
    const associated = await this.clients.associatedScopesOf(client);
    // As a code exchange: disassociated scopes go, a privileged one whose permission was withdrawn is invalid_scope.
    const scopes = scopesForUser(stillAssociated(approval.scopes, associated), associated, user.permissions, 'refuse');
    const target = await this.resources.forToken(client, resource, scopes, poll.resources);
    const { response } = await this.issuance.issue({
      client,
      user: { id: user.id, username: user.username },
      grantType: this.grantType,
      scopes,
      target,
      withRefreshToken: refreshAllowed(client) && scopesAllowRefreshToken(scopes),
      openId: isOpenIdRequest(scopes) ? { authTime: approval.authTime, nonce: null } : undefined,
      dpopJkt,
      deviceRequestId: poll.id,
    });
    return response;
  }

  /** Revokes the grant the code's redemption wrote (none when the code was burnt), then refuses as any reuse. */
  private async replayed(client: Client, poll: DevicePoll): Promise<OAuthError> {
    const grantId = await this.requests.grantIdOf(poll.id);
    if (grantId) await this.revoker.revokeByDeviceRequest(poll.id, grantId);
    return this.refusal(client, 'already_used', poll);
  }

  private refusal(client: Client, decision: Exclude<PollDecision, 'authorization_pending' | 'slow_down'>, poll: DevicePoll | null): OAuthError {
    const error =
      decision === 'access_denied' ? new AccessDenied('the user denied the request')
      : decision === 'invalid_scope' ? new InvalidScope('the requested scope requires a permission the user does not have')
      : decision === 'expired_token' ? new ExpiredToken()
      : decision === 'already_used' ? new InvalidGrant('the device_code was already used')
      : new InvalidGrant('the device_code is invalid');
    this.audited(client, decision === 'issue' ? 'invalid_grant' : decision, poll);
    return error;
  }

  private audited(client: Client, reason: string, poll: DevicePoll | null): void {
    this.audit.record({
      action: 'token.failed',
      actor: { type: 'client', id: client.clientId },
      targetType: 'device_request',
      targetId: poll?.id ?? null,
      details: { grantType: this.grantType, reason },
    });
  }
}
