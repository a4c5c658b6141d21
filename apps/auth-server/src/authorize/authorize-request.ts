import type { Client } from '../clients/client.js';

/**
 * RFC 6749 §3.1.1 code and token, and OpenID Connect's implicit id_token and "id_token token"
 * (OAuth 2.0 Multiple Response Type Encoding Practices §3, OIDC Core §3.2.2.1).
 */
export const RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

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
  /** OpenID Connect: echoed in the id token; required for the id_token response types. */
  nonce: string | null;
  /** RFC 8707 resources asked for (the parameter may repeat), each registered and allowed; []: none. */
  resources: string[];
  /** RFC 9449 §10: the thumbprint of the DPoP key the code is bound to (`dpop_jkt`, or the key of a PAR request's proof); null: unbound. */
  dpopJkt: string | null;
}

/** Where an authorization response goes: RFC 6749 §4.1.2 (query) and §4.2.2 (fragment). */
export function responseModeOf(responseType: ResponseType): 'query' | 'fragment' {
  return responseType === 'code' ? 'query' : 'fragment';
}

/** Whether the response carries an id token (always in the fragment). */
export function returnsIdToken(responseType: ResponseType): boolean {
  return responseType === 'id_token' || responseType === 'id_token token';
}
