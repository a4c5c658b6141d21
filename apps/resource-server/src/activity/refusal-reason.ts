/**
 * Why the resource server refused a request, read from its own answer: the `error` of the
 * challenge (RFC 6750 §3: `invalid_token`, `insufficient_scope`; RFC 9449 `invalid_dpop_proof`;
 * `invalid_client` on clientBasic routes), `no_token` for a bare challenge (§3.1: no credentials
 * at all), `rate_limited` for a 429, and the status's name when there is no challenge (an admin
 * problem answer). Null for anything that is not a refusal. The set stays bounded: the codes are
 * the server's own, never the caller's text.
 */
export function refusalReason(status: number, challenge: string | number | string[] | undefined): string | null {
  if (status === 429) return 'rate_limited';
  if (status !== 401 && status !== 403) return null;
  const header = Array.isArray(challenge) ? challenge.join(', ') : typeof challenge === 'string' ? challenge : '';
  const error = /\berror="([A-Za-z_]{1,40})"/.exec(header)?.[1];
  if (error !== undefined) return error;
  if (header !== '') return 'no_token';
  return status === 401 ? 'unauthorized' : 'forbidden';
}
