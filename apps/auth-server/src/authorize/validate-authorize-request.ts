import { InvalidRequest, InvalidTarget, OAuthError } from '#oauth';
import type { Client } from '../clients/client.js';
import { AuthorizeRedirectError } from './authorize-errors.js';
import { RESPONSE_TYPES, responseModeOf, type ValidatedAuthorizeRequest } from './authorize-request.js';
import { assertClientIdentified } from './checks/assert-client-identified.js';
import { assertClientMayUseResponseType } from './checks/assert-client-may-use-response-type.js';
import { assertNoRepeatedParameters } from './checks/assert-no-repeated-parameters.js';
import { assertOpenIdRequest } from './checks/assert-openid-request.js';
import { assertResponseMode } from './checks/assert-response-mode.js';
import { assertResponseType, normalizeResponseType } from './checks/assert-response-type.js';
import { assertStateLength, MAX_STATE_LENGTH } from './checks/assert-state-length.js';
import { singleValue, type RawQuery } from './checks/query-params.js';
import { resolveCodeChallenge } from './checks/resolve-code-challenge.js';
import { resolveDpopJkt } from './checks/resolve-dpop-jkt.js';
import { resolveRedirectUri } from './checks/resolve-redirect-uri.js';
import { resolveScopes } from './checks/resolve-scopes.js';

export interface ClientLookup {
  find(clientId: string): Promise<Client | null>;
  scopesOf(client: Client): Promise<readonly string[]>;
}

/** RFC 8707: the resources a request asks for, checked (invalid_target otherwise). */
export interface ResourceLookup {
  forAuthorization(client: Client, parameter: string | readonly string[] | undefined): Promise<string[]>;
}

/** RFC 9126 §5: whether the parameters came from /oauth/par, and whether every request must have. */
export interface PushedState {
  pushed: boolean;
  requiredGlobally: boolean;
}

/**
 * The checks of GET /oauth/authorize (and of POST /oauth/par, which validates a request before storing it), in RFC 6749 §4.1.2.1 order: first those that decide whether
 * the client's redirect URI can be trusted (failures: an error page), then the rest (failures:
 * an error sent to that redirect URI, with the state). Unknown parameters are ignored (§3.1).
 */
export async function validateAuthorizeRequest(
  query: RawQuery,
  clients: ClientLookup,
  resourceLookup: ResourceLookup,
  par: PushedState = { pushed: false, requiredGlobally: false },
): Promise<ValidatedAuthorizeRequest> {
  const client = await assertClientIdentified(query, (clientId) => clients.find(clientId));
  const { redirectUri, sent } = resolveRedirectUri(query, client);
  // Errors for an implicit request belong in the fragment, even before response_type is validated.
  const mode = errorModeOf(singleValue(query, 'response_type'));
  const rawState = singleValue(query, 'state');
  const echoedState = rawState !== undefined && rawState.length <= MAX_STATE_LENGTH ? rawState : null;
  try {
    if (!par.pushed && (par.requiredGlobally || client.requirePushedAuthorizationRequests)) throw new InvalidRequest('this request must be pushed to the PAR endpoint first (request_uri)');
    assertNoRepeatedParameters(query);
    assertStateLength(rawState);
    const responseType = assertResponseType(singleValue(query, 'response_type'));
    assertResponseMode(singleValue(query, 'response_mode'), responseType);
    assertClientMayUseResponseType(client, responseType);
    const requestedScope = singleValue(query, 'scope');
    const scopes = resolveScopes(requestedScope, await clients.scopesOf(client));
    const codeChallenge = responseType === 'code' ? resolveCodeChallenge(singleValue(query, 'code_challenge'), singleValue(query, 'code_challenge_method'), client) : null;
    const dpopJkt = responseType === 'code' ? resolveDpopJkt(singleValue(query, 'dpop_jkt')) : null;
    const nonce = assertOpenIdRequest(responseType, scopes, singleValue(query, 'nonce'));
    const resources = await resourceLookup.forAuthorization(client, query.resource);
    // An access token from this endpoint has one audience: no choice is left for later.
    if (responseType !== 'code' && resources.length > 1) throw new InvalidTarget('a token has one audience: name one resource');
    return { client, responseType, redirectUri, redirectUriSent: sent, scopes, scopeRequested: requestedScope !== undefined && requestedScope !== '', state: rawState ?? null, codeChallenge, nonce, resources, dpopJkt };
  } catch (error) {
    if (error instanceof OAuthError) throw new AuthorizeRedirectError(error, redirectUri, mode, echoedState);
    throw error;
  }
}

/** Where an error goes before response_type is validated: a supported type's own mode (the fragment for any token), else the query. */
function errorModeOf(rawResponseType: string | undefined): 'query' | 'fragment' {
  const known = rawResponseType === undefined ? undefined : RESPONSE_TYPES.find((type) => type === normalizeResponseType(rawResponseType));
  return known ? responseModeOf(known) : 'query';
}
