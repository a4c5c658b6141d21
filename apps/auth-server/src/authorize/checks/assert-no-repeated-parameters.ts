import { InvalidRequest } from '#oauth';
import type { RawQuery } from './query-params.js';

/** The parameters this endpoint reads; anything else is ignored, repeated or not (RFC 6749 §3.1). */
const KNOWN_PARAMETERS = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'max_age', 'login_hint', 'id_token_hint', 'dpop_jkt'];

/** RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once." */
export function assertNoRepeatedParameters(query: RawQuery): void {
  const repeated = KNOWN_PARAMETERS.filter((name) => Array.isArray(query[name]));
  if (repeated.length > 0) throw new InvalidRequest(`parameters sent more than once: ${repeated.sort().join(' ')}`);
}
