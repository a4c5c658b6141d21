import type { RequestContext } from '#observability';
import type { OAuthError } from '#oauth';
import type { Client } from '../clients/client.js';
import type { TokenResponse } from '../tokens/token-response.js';
import type { GrantParameters, RequestOf } from './grant-parameters.js';

export interface GrantContext<Request> {
  /** The authenticated client (confidential) or the identified client (public, PKCE). */
  client: Client;
  /** The form parsed by the grant's declared parameters. */
  request: Request;
  /** The request's id and remote address (rate limiting, the grant row, audit rows). */
  origin: RequestContext;
  /** The thumbprint of the request's DPoP proof key (RFC 9449 §5): the tokens issued are bound to it. */
  dpopJkt?: string;
}

/**
 * One implementation per grant_type, each in token/grants/<grant-type>/, a provider decorated
 * with @GrantHandlerFor. The token endpoint dispatches through a Map keyed by grantType (as
 * node-oidc-provider does) and hands the handler its typed request.
 */
export interface GrantHandler<Parameters extends GrantParameters = GrantParameters> {
  readonly grantType: string;
  /** The parameters it reads; parsed (required ones checked) once the client is authenticated. */
  readonly parameters: Parameters;
  /** The grant types the client must be registered for one of, when not its own (refresh_token: the user grants). */
  readonly registeredAs?: readonly string[];
  /**
   * true: handle() hands `origin` to everything below it that stores or audits it, so the token
   * endpoint runs it outside the request-context store (EXPLICIT_REQUEST_CONTEXT: the store's async
   * hooks cost the hottest grants ~15% of their throughput). Otherwise it runs inside the store.
   */
  readonly passesOriginByHand?: boolean;
  handle(context: GrantContext<RequestOf<Parameters>>): Promise<TokenResponse>;
  /**
   * Told of a refusal of an authenticated client before handle() ran (not registered for the
   * grant, a required parameter missing), for grants that audit every refused attempt.
   */
  refused?(client: Client, error: OAuthError): void;
}
