/**
 * Why a Basic call was refused: the reason label of client_basic_refusals_total and of the audit
 * row. The caller always gets the same 401 invalid_client for the first six (TC-2: an unknown id
 * and a wrong secret must read alike); `throttled` is a 429, `auth_server_unavailable` a 503.
 */
export type ClientBasicRefusal =
  | 'malformed'
  | 'unknown_client'
  | 'public_client'
  | 'inactive_client'
  | 'disabled_client'
  | 'wrong_secret'
  | 'throttled'
  | 'auth_server_unavailable';

export const CLIENT_BASIC_REFUSALS: readonly ClientBasicRefusal[] = [
  'malformed',
  'unknown_client',
  'public_client',
  'inactive_client',
  'disabled_client',
  'wrong_secret',
  'throttled',
  'auth_server_unavailable',
];
