import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { currentRequestContext } from '#observability';
import { SettingsService } from '../settings/settings.service.js';
import type { TokenResponse } from './token-response.js';
import { accessTokenLifetimeSeconds } from './access-token-lifetime.js';
import { AccessTokenSigner } from './access-token-signer.js';
import type { NewGrant } from './grant.js';
import { GrantsRepository } from './grants.repository.js';
import { generateRefreshToken, hashToken } from './refresh-token.js';
import { CodeAlreadyRedeemed, TokenIssuance, type IssueTokensCommand, type IssuedTokens } from './token-issuance.js';

/**
 * TokenIssuance with ES256 JWT access tokens and one grants row per issuance. That row is also the
 * issuance's token.issued audit event (AuditEventsRepository reads it as one), so nothing else is written.
 */
@Injectable()
export class JwtTokenIssuance extends TokenIssuance {
  constructor(
    private readonly signer: AccessTokenSigner,
    private readonly grants: GrantsRepository,
    private readonly settings: SettingsService,
  ) {
    super();
  }

  async issue(command: IssueTokensCommand): Promise<IssuedTokens> {
    const { client, user, grantType, scopes } = command;
    const settings = await this.settings.get();
    const lifetime = accessTokenLifetimeSeconds(client.accessTokenLifetime, settings.accessTokenLifetimeSeconds);
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = lifetime === null ? undefined : issuedAt + lifetime;
    const refreshUnlimited = client.refreshCount.mode === 'unlimited';
    const refreshRemaining = client.refreshCount.mode === 'limited' ? client.refreshCount.limit : null;
    const refreshToken = command.withRefreshToken && (refreshUnlimited || (refreshRemaining ?? 0) > 0) ? generateRefreshToken() : undefined;
    const grantId = randomUUID();
    const request = currentRequestContext();

    const [accessToken] = await Promise.all([
      this.signer.sign({
        grantId,
        grantType,
        clientId: client.clientId,
        subject: user?.username ?? client.clientId,
        scopes,
        audience: settings.accessTokenAudience,
        issuedAt,
        expiresAt,
      }),
      this.store(command, {
        id: grantId,
        clientRef: client.id,
        clientId: client.clientId,
        userId: user?.id ?? null,
        username: user?.username ?? null,
        grantType,
        scopes,
        issuedAt: new Date(issuedAt * 1000),
        accessExpiresAt: expiresAt === undefined ? null : new Date(expiresAt * 1000),
        refreshTokenHash: refreshToken ? hashToken(refreshToken) : null,
        refreshRemaining: refreshToken ? refreshRemaining : null,
        refreshUnlimited: refreshToken ? refreshUnlimited : false,
        authorizationCodeHash: command.authorizationCodeHash ?? null,
        requestIp: request?.ip ?? null,
        requestId: request?.requestId ?? null,
      }),
    ]);
    return { response: tokenResponse(accessToken, lifetime, scopes, refreshToken), grantId };
  }

  private async store(command: IssueTokensCommand, grant: NewGrant): Promise<void> {
    if (command.authorizationCodeHash === undefined) return this.grants.insert(grant);
    if (!(await this.grants.insertRedeemingCode(grant))) throw new CodeAlreadyRedeemed();
  }
}

export function tokenResponse(accessToken: string, lifetime: number | null, scopes: string[], refreshToken?: string): TokenResponse {
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    ...(lifetime === null ? {} : { expires_in: lifetime }),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: scopes.join(' '),
  };
}
