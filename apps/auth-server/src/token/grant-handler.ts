import type { Client } from '../clients/client.js';
import type { TokenResponse } from '../tokens/token-response.js';

/** The token endpoint's parsed form: every parameter once (duplicates are rejected before this). */
export type TokenRequestParams = Readonly<Record<string, string>>;

export interface GrantContext {
  /** The authenticated client (confidential) or the identified client (public, PKCE). */
  client: Client;
  params: TokenRequestParams;
  /** Remote address, for rate limiting. */
  ip: string;
}

/**
 * One implementation per grant_type, each in token/grants/<grant-type>/. The token controller
 * dispatches through a Map keyed by grantType (as node-oidc-provider does).
 */
export interface GrantHandler {
  readonly grantType: string;
  handle(context: GrantContext): Promise<TokenResponse>;
}

/** Multi-provider token: each grant module registers its handler under it. */
export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
