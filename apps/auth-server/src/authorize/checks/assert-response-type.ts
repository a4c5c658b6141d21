import { InvalidRequest, UnsupportedResponseType } from '#oauth';
import { RESPONSE_TYPES, type ResponseType } from '../authorize-request.js';

/**
 * RFC 6749 §3.1.1: code (§4.1) or token (§4.2), and OpenID Connect's id_token and "id_token token"
 * (OIDC Core §3.2.2.1). A combination's order does not matter ("token id_token" is the same),
 * a value repeated inside it or any other combination is unsupported.
 */
export function assertResponseType(value: string | undefined): ResponseType {
  if (value === undefined || value === '') throw new InvalidRequest('response_type is required');
  const normalized = normalizeResponseType(value);
  const known = RESPONSE_TYPES.find((type) => type === normalized);
  if (!known) throw new UnsupportedResponseType('response_type must be code, token, id_token or id_token token');
  return known;
}

/** The members in a canonical order, so that "token id_token" reads as "id_token token". */
export function normalizeResponseType(value: string): string {
  return value.split(' ').sort().join(' ');
}
