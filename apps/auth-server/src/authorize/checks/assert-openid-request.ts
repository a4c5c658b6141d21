import { InvalidRequest } from '#oauth';
import { isOpenIdRequest } from '../../oidc/openid-scopes.js';
import { returnsIdToken, type ResponseType } from '../authorize-request.js';

/** As long as a state: room for any random value or hash, short enough to echo in a redirect. */
export const MAX_NONCE_LENGTH = 4096;

/**
 * OIDC Core §3.2.2.1: an id token in the front channel is only for an OpenID request (scope
 * openid) and needs a nonce, the client's only replay protection there; in the code flow the
 * nonce stays optional (§3.1.2.1). Returns the nonce to remember.
 */
export function assertOpenIdRequest(responseType: ResponseType, scopes: readonly string[], nonce: string | undefined): string | null {
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) throw new InvalidRequest(`nonce must be at most ${MAX_NONCE_LENGTH} characters`);
  if (!returnsIdToken(responseType)) return nonce || null;
  if (!isOpenIdRequest(scopes)) throw new InvalidRequest(`response_type ${responseType} requires the openid scope`);
  if (!nonce) throw new InvalidRequest(`nonce is required for response_type ${responseType}`);
  return nonce;
}
