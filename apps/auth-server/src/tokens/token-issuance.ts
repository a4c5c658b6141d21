import type { RequestContext } from '#observability';
import type { ActorClaim, GrantType } from '#oauth';
import type { Client } from '../clients/client.js';
import type { TokenResponse } from './token-response.js';
import type { GrantRecord } from './grant.js';

/**
 * What an access token is for (RFC 8707): its one audience, the scopes it carries (the grant's,
 * narrowed to what that audience may receive), the audience's own lifetime, and the resources a new
 * grant remembers. Absent: the `accessTokenAudience` setting, every scope, the global lifetime.
 */
export interface AccessTokenTarget {
  audience: string;
  scopes: string[];
  /** A client's own lifetime still wins; null: the global setting. */
  lifetimeSeconds: number | null;
  resources: string[];
}

/** Tokens of a new family (a grant row of its own), or the next tokens of a family whose refresh token is rotated. */
export type IssueTokensCommand = NewGrantCommand | RefreshRotationCommand;

export interface NewGrantCommand {
  client: Client;
  /** The resource owner; absent for client_credentials. */
  user?: { id: string; username: string };
  grantType: GrantType;
  /** Already validated against the client's associated scopes. */
  scopes: string[];
  /** Only the authorization-code flow asks for one, and only when the client's refresh count allows. */
  withRefreshToken: boolean;
  /**
   * The authorization code the tokens come from (its hash), still unspent: the grant's own
   * statement spends it (CodeAlreadyRedeemed if it is gone), and a replayed code revokes them.
   */
  authorizationCodeHash?: string;
  /**
   * RFC 8628: the approved device request the tokens come from, still unspent: the grant's own
   * statement spends it and names the grant in it (CodeAlreadyRedeemed if it is gone), and a reused
   * device code revokes them.
   */
  deviceRequestId?: string;
  /** An OpenID Connect request: an id token is minted beside the access token, and the grant keeps auth_time. */
  openId?: OpenIdFacts;
  target?: AccessTokenTarget;
  /** The thumbprint of the token request's DPoP proof key: the access token is bound to it (and a public client's refresh token). */
  dpopJkt?: string;
  /** RFC 8693: the tokens are exchanged from another grant's access token. */
  exchange?: ExchangeFacts;
  /**
   * The request the tokens answer: its id and ip go into the grant row (the token.issued event).
   * Absent: the request-context store's, for callers running inside it.
   */
  origin?: RequestContext;
  rotating?: undefined;
}

/** What a token exchange carries over from its subject token (RFC 8693 §2.2.1, §4.1). */
export interface ExchangeFacts {
  /** The subject token's grant: written as the new grant's parent, and it must still be live then. */
  parentGrantId: string;
  /** The subject token's `sub` (a username, or the client id of a client_credentials token). */
  subject: string;
  /** Absent: impersonation. */
  act?: ActorClaim;
  /** The subject token's `exp`: an exchanged token never outlives it. */
  notAfter?: number;
}

/** What an OpenID Connect authorization request established (OIDC Core §3.1.2). */
export interface OpenIdFacts {
  /** When the user authenticated. */
  authTime: Date;
  nonce: string | null;
}

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): the presented refresh token is spent and a new one
 * stored in one statement; the access token keeps the family's grant id, grant type and subject.
 */
export interface RefreshRotationCommand {
  client: Client;
  /** Already narrowed to what the grant and the client still allow. */
  scopes: string[];
  target?: AccessTokenTarget;
  /** As NewGrantCommand's; the refresh grant has already checked a public client's refresh-token binding. */
  dpopJkt?: string;
  rotating: {
    grant: Pick<GrantRecord, 'id' | 'grantType' | 'username' | 'issuedAt' | 'authTime'>;
    /** Hash of the refresh token presented; RefreshTokenAlreadySpent when it is no longer the grant's. */
    refreshTokenHash: string;
  };
}

/** The authorization code was spent by a concurrent redemption between its check and the grant's commit. */
export class CodeAlreadyRedeemed extends Error {
  constructor() {
    super('the authorization code was already used');
    this.name = 'CodeAlreadyRedeemed';
  }
}

/** The refresh token was rotated out, revoked or used up between its lookup and its spending (a racer won). */
export class RefreshTokenAlreadySpent extends Error {
  constructor() {
    super('the refresh token was already spent');
    this.name = 'RefreshTokenAlreadySpent';
  }
}

/**
 * Raised for a grant refused because its client was no longer active (or gone) when the row was
 * to be written: the token request must fail with an OAuth error instead of answering a token.
 */
export class ClientNoLongerActive extends Error {
  constructor() {
    super('the client was deactivated or deleted while its token was being issued');
    this.name = 'ClientNoLongerActive';
  }
}

/** As ClientNoLongerActive, for the user the grant is for: the request fails with invalid_grant. */
export class UserNoLongerActive extends Error {
  constructor() {
    super('the user was deactivated or deleted while their token was being issued');
    this.name = 'UserNoLongerActive';
  }
}

/** The subject token's grant was revoked between its check and the exchanged grant's commit. */
export class ParentGrantRevoked extends Error {
  constructor() {
    super('the subject token was revoked while it was being exchanged');
    this.name = 'ParentGrantRevoked';
  }
}

export interface IssuedTokens {
  response: TokenResponse;
  grantId: string;
}

/**
 * Mints and records tokens: one grant row per token family, one JWT signature per access token.
 * Implemented by the tokens module; the one minting path of every grant handler (refresh
 * rotation included) and of the implicit flow.
 */
export abstract class TokenIssuance {
  abstract issue(command: IssueTokensCommand): Promise<IssuedTokens>;
}
