import { Injectable } from '@nestjs/common';
import { audiencesOf, mayPresent } from '../../../resources/in-the-audience.js';
import { ClientTypes, GrantTypes, InvalidRequest, OAuthError, UnauthorizedClient } from '#oauth';
import { AuditWriter } from '../../../audit/audit-writer.js';
import type { Client } from '../../../clients/client.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { ResourceCatalog } from '../../../resources/resource-catalog.js';
import { ParentGrantRevoked, TokenIssuance } from '../../../tokens/token-issuance.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import { PresentedTokens, type ActiveToken } from './presented-tokens.js';
import {
  actorClaimFor,
  assertAccessTokenType,
  assertParameterPairs,
  exchangeAudience,
  exchangeScopes,
} from './token-exchange-rules.js';

const PARAMETERS = new GrantParameters(
  ['subject_token', 'subject_token_type'],
  ['actor_token', 'actor_token_type', 'requested_token_type', 'resource', 'audience', 'scope'],
);
type ExchangeRequest = RequestOf<typeof PARAMETERS>;

/** RFC 8693 §2.2.2: a subject or actor token refused, for whatever reason, reads the same. */
const UNACCEPTABLE = (which: 'subject_token' | 'actor_token') => `the ${which} is invalid, inactive, or not one this client may present`;

/**
 * RFC 8693 token exchange for confidential clients: an active access token of this server (the
 * subject token) becomes an access token for the caller, never wider (scope, audience), with `act`
 * naming the actor when an actor token is sent (delegation), or without one when the client may
 * impersonate. The new grant records the subject's as its parent: revoking that one revokes it
 * (GrantRevocationsRepository). No refresh token. Every outcome is audited.
 */
@Injectable()
@GrantHandlerFor(GrantTypes.tokenExchange)
export class TokenExchangeGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.tokenExchange;
  readonly parameters = PARAMETERS;

  constructor(
    private readonly tokens: PresentedTokens,
    private readonly clients: ClientAuthenticator,
    private readonly catalog: ResourceCatalog,
    private readonly issuance: TokenIssuance,
    private readonly audit: AuditWriter,
  ) {}

  async handle({ client, request, dpopJkt }: GrantContext<ExchangeRequest>): Promise<TokenResponse> {
    try {
      return await this.exchange(client, request, dpopJkt);
    } catch (error) {
      if (error instanceof OAuthError) this.refused(client, error);
      throw error;
    }
  }

  private async exchange(client: Client, request: ExchangeRequest, dpopJkt: string | undefined): Promise<TokenResponse> {
    // Registration already excludes public clients (client-rules); a stored row must not be trusted to.
    if (client.type !== ClientTypes.confidential) throw new UnauthorizedClient('token exchange is for confidential clients');
    assertAccessTokenType(request.subject_token_type, 'subject_token_type');
    assertParameterPairs(request);
    if (request.actor_token_type !== undefined) assertAccessTokenType(request.actor_token_type, 'actor_token_type');
    if (request.actor_token === undefined && !client.tokenExchangeImpersonation)
      throw new InvalidRequest('this client may not impersonate: send an actor_token');

    const catalog = await this.catalog.current();
    const resourceOf = (identifier: string) => catalog.get(identifier);
    const subject = await this.presentable(client, request.subject_token, 'subject_token', resourceOf, dpopJkt);
    const actor = request.actor_token === undefined ? undefined : await this.presentable(client, request.actor_token, 'actor_token', resourceOf, dpopJkt);

    const act = actorClaimFor(subject.claims, actor?.claims);
    const subjectAudience = audiencesOf(subject.claims)[0];
    if (subjectAudience === undefined) throw new InvalidRequest(UNACCEPTABLE('subject_token'), 'subject token without an audience');
    const { audience, resource } = exchangeAudience(request, subjectAudience, client, resourceOf);
    const scopes = exchangeScopes(request.scope, await this.stillGranted(subject), await this.clients.scopesOf(client));
    const target = {
      audience,
      scopes: catalog.scopesFor(resource, scopes),
      lifetimeSeconds: resource?.accessTokenLifetimeSeconds ?? null,
      resources: resource ? [audience] : [],
    };

    const { grant } = subject;
    try {
      const { response, grantId } = await this.issuance.issue({
        client,
        user: grant.userId && grant.username ? { id: grant.userId, username: grant.username } : undefined,
        grantType: this.grantType,
        scopes: target.scopes,
        target,
        withRefreshToken: false,
        dpopJkt,
        exchange: { parentGrantId: grant.id, subject: subject.claims.sub, act, notAfter: subject.claims.exp },
      });
      this.audit.record({
        action: 'token.exchanged',
        actor: { type: 'client', id: client.clientId },
        targetType: 'grant',
        targetId: grantId,
        details: {
          subject: subject.claims.sub,
          subjectClientId: subject.claims.client_id,
          subjectGrantId: grant.id,
          ...(act ? { actor: act.sub, actorClientId: act.client_id } : { impersonation: true }),
          audience,
          scopes: target.scopes,
        },
      });
      return response;
    } catch (error) {
      // Revoked between its check and the new grant's commit: as if it had been before.
      if (error instanceof ParentGrantRevoked) throw new InvalidRequest(UNACCEPTABLE('subject_token'), 'subject grant revoked during the exchange');
      throw error;
    }
  }

  /** An active token of ours that the caller may present; invalid_request otherwise (RFC 8693 §2.2.2, CONTRACT.md). */
  private async presentable(
    client: Client,
    token: string,
    which: 'subject_token' | 'actor_token',
    resourceOf: Parameters<typeof mayPresent>[2],
    dpopJkt: string | undefined,
  ): Promise<ActiveToken> {
    const active = await this.tokens.active(token);
    if (!active) throw new InvalidRequest(UNACCEPTABLE(which), `${which} not active`);
    // A DPoP-bound token is presented with a proof of its key (RFC 9449 §7), here as anywhere: a
    // stolen bound token must not be exchanged for one bound to the thief's key, or to none.
    if (active.claims.cnf !== undefined && active.claims.cnf.jkt !== dpopJkt)
      throw new InvalidRequest(UNACCEPTABLE(which), `${which} is DPoP-bound and the request carries no proof of its key`);
    if (!mayPresent(client, active.claims, resourceOf))
      throw new InvalidRequest(UNACCEPTABLE(which), `${which} of ${active.claims.client_id}: the caller is neither its client nor in its audience`);
    return active;
  }

  /** The subject token's scopes still associated with its client (what introspection would answer). */
  private async stillGranted({ claims }: ActiveToken): Promise<string[]> {
    const owner = await this.clients.find(claims.client_id);
    const associated = owner ? await this.clients.scopesOf(owner) : [];
    return claims.scope.split(' ').filter((scope) => scope !== '' && associated.includes(scope));
  }

  refused(client: Client, error: OAuthError): void {
    this.audit.record({
      action: 'token.exchange_refused',
      actor: { type: 'client', id: client.clientId },
      targetType: 'client',
      targetId: client.clientId,
      details: { error: error.error, reason: error.detail ?? error.description },
    });
  }
}
