import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { retryConflicts } from '#database';
import { currentRequestContext } from '#observability';
import type { Client } from '../clients/client.js';
import { SettingsService } from '../settings/settings.service.js';
import type { TokenResponse } from './token-response.js';
import { accessTokenLifetimeSeconds } from './access-token-lifetime.js';
import { AccessTokenSigner } from './access-token-signer.js';
import { IdTokenSigner } from './id-token-signer.js';
import { GrantTypes, TokenTypeIdentifiers } from '#oauth';
import { isOpenIdRequest } from '../oidc/openid-scopes.js';
import type { NewGrant } from './grant.js';
import { GrantsRepository } from './grants.repository.js';
import { generateRefreshToken, hashToken } from './refresh-token.js';
import {
  CodeAlreadyRedeemed,
  RefreshTokenAlreadySpent,
  TokenIssuance,
  type AccessTokenTarget,
  type IssueTokensCommand,
  type IssuedTokens,
  type NewGrantCommand,
  type RefreshRotationCommand,
} from './token-issuance.js';

/** The grants whose families started with an id token (a user signed in): their refreshes get a new one. */
const OPENID_GRANTS: ReadonlySet<string> = new Set([GrantTypes.authorizationCode, GrantTypes.deviceCode]);

/**
 * TokenIssuance with ES256 JWT access tokens and one grants row per issuance. That row is also the
 * issuance's token.issued audit event (AuditEventsRepository reads it as one), so nothing else is written.
 */
@Injectable()
export class JwtTokenIssuance extends TokenIssuance {
  constructor(
    private readonly signer: AccessTokenSigner,
    private readonly idTokens: IdTokenSigner,
    private readonly grants: GrantsRepository,
    private readonly settings: SettingsService,
  ) {
    super();
  }

  issue(command: IssueTokensCommand): Promise<IssuedTokens> {
    return command.rotating ? this.rotate(command) : this.issueNew(command);
  }

  private async issueNew(command: NewGrantCommand): Promise<IssuedTokens> {
    const { client, user, grantType, target, exchange } = command;
    const { audience, lifetime, issuedAt, expiresAt } = capped(await this.timing(client, target), exchange?.notAfter);
    const scopes = target?.scopes ?? command.scopes;
    const refreshUnlimited = client.refreshCount.mode === 'unlimited';
    const refreshRemaining = client.refreshCount.mode === 'limited' ? client.refreshCount.limit : null;
    const refreshToken = command.withRefreshToken && (refreshUnlimited || (refreshRemaining ?? 0) > 0) ? generateRefreshToken() : undefined;
    const grantId = randomUUID();
    const request = command.origin ?? currentRequestContext();

    const [accessToken] = await Promise.all([
      this.signer.sign({
        grantId,
        grantType,
        clientId: client.clientId,
        subject: exchange?.subject ?? user?.username ?? client.clientId,
        scopes,
        audience,
        issuedAt,
        expiresAt,
        dpopJkt: command.dpopJkt,
        act: exchange?.act,
      }),
      this.store(command, {
        id: grantId,
        clientRef: client.id,
        clientId: client.clientId,
        userId: user?.id ?? null,
        username: user?.username ?? null,
        grantType,
        // A grant that can be refreshed keeps every scope granted (a refresh may name another resource).
        scopes: refreshToken ? command.scopes : scopes,
        issuedAt: new Date(issuedAt * 1000),
        accessExpiresAt: expiresAt === undefined ? null : new Date(expiresAt * 1000),
        refreshTokenHash: refreshToken ? hashToken(refreshToken) : null,
        refreshRemaining: refreshToken ? refreshRemaining : null,
        refreshUnlimited: refreshToken ? refreshUnlimited : false,
        authorizationCodeHash: command.authorizationCodeHash ?? null,
        authTime: command.openId?.authTime ?? null,
        requestIp: request?.ip ?? null,
        requestId: request?.requestId ?? null,
        resources: target?.resources ?? [],
        // RFC 9449 §5: a public client's refresh token is bound to the key too; a confidential
        // client's is bound by its authentication.
        refreshJkt: refreshToken && client.type === 'public' ? (command.dpopJkt ?? null) : null,
      }),
    ]);
    const idToken = command.openId && user ? await this.idTokenFor(client, user.username, command.openId.authTime, accessToken, command.openId.nonce) : undefined;
    const response = tokenResponse(accessToken, lifetime, scopes, refreshToken, idToken, command.dpopJkt);
    return { response: exchange ? { ...response, issued_token_type: TokenTypeIdentifiers.accessToken } : response, grantId };
  }

  /**
   * Spends the presented refresh token and stores the next one before signing. One statement, so a
   * retry after a serialization failure (a SERIALIZABLE default, a racing writer on the grant row)
   * starts clean and re-checks the hash: a racer that lost gets RefreshTokenAlreadySpent, and the
   * counter moves once (F-11, F-12). Past the bound: 503. The next token is answered only while
   * the grant has refreshes left.
   */
  private async rotate({ client, scopes: granted, target, dpopJkt, rotating: { grant, refreshTokenHash } }: RefreshRotationCommand): Promise<IssuedTokens> {
    const { audience, lifetime, issuedAt, expiresAt } = await this.timing(client, target);
    const scopes = target?.scopes ?? granted;
    const next = generateRefreshToken();
    const spend = { hash: refreshTokenHash, clientRef: client.id, nextHash: hashToken(next), accessExpiresAt: expiresAt === undefined ? null : new Date(expiresAt * 1000) };
    const spent = await retryConflicts(() => this.grants.spendRefresh(spend));
    if (!spent) throw new RefreshTokenAlreadySpent();

    const accessToken = await this.signer.sign({
      grantId: grant.id,
      grantType: grant.grantType,
      clientId: client.clientId,
      subject: grant.username ?? client.clientId,
      scopes,
      audience,
      issuedAt,
      expiresAt,
      dpopJkt,
    });
    // OIDC Core §12.2: a new id token for the same subject and authentication, without a nonce.
    const idToken =
      OPENID_GRANTS.has(grant.grantType) && grant.username && isOpenIdRequest(scopes)
        ? await this.idTokenFor(client, grant.username, grant.authTime ?? grant.issuedAt, accessToken)
        : undefined;
    return { response: tokenResponse(accessToken, lifetime, scopes, spent.newHashKept ? next : undefined, idToken, dpopJkt), grantId: grant.id };
  }

  private idTokenFor(client: Client, subject: string, authTime: Date, accessToken: string, nonce?: string | null): Promise<string> {
    return this.idTokens.sign({ clientId: client.clientId, alg: client.idTokenSignedResponseAlg, subject, authTime, nonce, accessToken });
  }

  /** The access token's audience and lifetime (the client's own, else the resource's, else the global setting), from now. */
  private async timing(client: Client, target?: AccessTokenTarget): Promise<{ audience: string; lifetime: number | null; issuedAt: number; expiresAt: number | undefined }> {
    const settings = await this.settings.get();
    const lifetime = accessTokenLifetimeSeconds(client.accessTokenLifetime, target?.lifetimeSeconds ?? settings.accessTokenLifetimeSeconds);
    const issuedAt = Math.floor(Date.now() / 1000);
    return { audience: target?.audience ?? settings.accessTokenAudience, lifetime, issuedAt, expiresAt: lifetime === null ? undefined : issuedAt + lifetime };
  }

  private async store(command: NewGrantCommand, grant: NewGrant): Promise<void> {
    if (command.exchange) return this.grants.insertExchanged(grant, command.exchange.parentGrantId);
    if (command.deviceRequestId !== undefined) {
      if (!(await this.grants.insertRedeemingDeviceCode(grant, command.deviceRequestId))) throw new CodeAlreadyRedeemed();
      return;
    }
    if (command.authorizationCodeHash === undefined) return this.grants.insert(grant);
    if (!(await this.grants.insertRedeemingCode(grant))) throw new CodeAlreadyRedeemed();
  }
}

type Timing = { audience: string; lifetime: number | null; issuedAt: number; expiresAt: number | undefined };

/** RFC 8693: an exchanged token ends no later than its subject token (`notAfter`), and says so in expires_in. */
function capped(timing: Timing, notAfter: number | undefined): Timing {
  if (notAfter === undefined || (timing.expiresAt !== undefined && timing.expiresAt <= notAfter)) return timing;
  return { ...timing, lifetime: Math.max(0, notAfter - timing.issuedAt), expiresAt: notAfter };
}

export function tokenResponse(accessToken: string, lifetime: number | null, scopes: string[], refreshToken?: string, idToken?: string, dpopJkt?: string): TokenResponse {
  return {
    access_token: accessToken,
    token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
    ...(lifetime === null ? {} : { expires_in: lifetime }),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: scopes.join(' '),
    ...(idToken ? { id_token: idToken } : {}),
  };
}
