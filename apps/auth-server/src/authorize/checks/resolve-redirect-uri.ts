import type { Client } from '../../clients/client.js';
import { AuthorizePageError } from '../authorize-errors.js';
import { isRepeated, singleValue, type RawQuery } from './query-params.js';
import { redirectUriMatches } from './redirect-uri-matches.js';

const NOT_REGISTERED = 'The redirect_uri is not registered for this application, so no answer is sent to it.';

/**
 * The redirect URI to answer at (RFC 6749 §3.1.2.3): the one sent, if registered exactly; the
 * only registered one when none was sent. Anything else is an error page, never a redirect.
 */
export function resolveRedirectUri(query: RawQuery, client: Client): { redirectUri: string; sent: boolean } {
  if (isRepeated(query, 'redirect_uri')) throw new AuthorizePageError(400, 'Invalid request', 'The redirect_uri parameter was sent more than once.');
  const requested = singleValue(query, 'redirect_uri');
  if (requested === undefined) {
    if (client.redirectUris.length !== 1) throw new AuthorizePageError(400, 'Invalid request', 'The redirect_uri parameter is required for this application.');
    return { redirectUri: client.redirectUris[0], sent: false };
  }
  if (!client.redirectUris.some((registered) => redirectUriMatches(requested, registered))) throw new AuthorizePageError(400, 'Invalid redirect URI', NOT_REGISTERED);
  return { redirectUri: requested, sent: true };
}
