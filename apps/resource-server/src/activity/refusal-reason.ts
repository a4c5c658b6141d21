/**
 * Why the resource server refused a request, read from its own answer: the `error` of the
 * challenge (RFC 6750 §3: `invalid_token`, `insufficient_scope`; RFC 9449 `invalid_dpop_proof`),
 * `no_token` for a bare Bearer or DPoP challenge (§3.1: no credentials at all), else the `error`
 * of the body (`invalid_client` for a refused client on a clientBasic route, whose challenge is
 * Basic), `rate_limited` for a 429, and the status's name otherwise (an admin problem answer).
 * Null for anything that is not a refusal. The set stays bounded: the codes are the server's
 * own, and a body's `error` is taken only when it is a short code.
 */
export function refusalReason(status: number, challenge: string | number | string[] | undefined, body?: string): string | null {
  if (status === 429) return 'rate_limited';
  if (status !== 401 && status !== 403) return null;
  const header = Array.isArray(challenge) ? challenge.join(', ') : typeof challenge === 'string' ? challenge : '';
  const error = /\berror="([a-z_]{1,40})"/.exec(header)?.[1];
  if (error !== undefined) return error;
  if (/^\s*(Bearer|DPoP)\b/i.test(header)) return 'no_token';
  const answered = body === undefined ? undefined : /^\{"error":"([a-z_]{1,40})"/.exec(body)?.[1];
  if (answered !== undefined) return answered;
  return status === 401 ? 'unauthorized' : 'forbidden';
}
