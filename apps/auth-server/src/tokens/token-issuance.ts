import type { GrantType } from '#oauth';
import type { Client } from '../clients/client.js';
import type { TokenResponse } from '../token/grant-handler.js';

export interface IssueTokensCommand {
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
}

/** The authorization code was spent by a concurrent redemption between its check and the grant's commit. */
export class CodeAlreadyRedeemed extends Error {
  constructor() {
    super('the authorization code was already used');
    this.name = 'CodeAlreadyRedeemed';
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

export interface IssuedTokens {
  response: TokenResponse;
  grantId: string;
}

/**
 * Mints and records tokens: one grant row per token family, one JWT signature per access token.
 * Implemented by the tokens module; used by every grant handler and by the implicit flow.
 */
export abstract class TokenIssuance {
  abstract issue(command: IssueTokensCommand): Promise<IssuedTokens>;
}
