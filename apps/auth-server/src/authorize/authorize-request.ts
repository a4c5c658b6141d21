import type { Client } from '../clients/client.js';

export type ResponseType = 'code' | 'token';

/** A GET /oauth/authorize request that passed every check. */
export interface ValidatedAuthorizeRequest {
  client: Client;
  responseType: ResponseType;
  redirectUri: string;
  /** Whether redirect_uri was in the request (it is then required at the token endpoint). */
  redirectUriSent: boolean;
  scopes: string[];
  /** Whether `scope` was sent: a privileged scope asked for is refused, one implied is left out. */
  scopeRequested: boolean;
  state: string | null;
  /** S256 challenge; null when none was sent (confidential clients only) or for response_type=token. */
  codeChallenge: string | null;
}

/** Where an authorization response goes: RFC 6749 §4.1.2 (query) and §4.2.2 (fragment). */
export function responseModeOf(responseType: ResponseType): 'query' | 'fragment' {
  return responseType === 'token' ? 'fragment' : 'query';
}
