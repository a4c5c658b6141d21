import type { ClientType } from './client-types.js';

/**
 * How a client authenticates at the token, introspection, revocation and PAR endpoints (RFC 7591
 * §2 `token_endpoint_auth_method`, RFC 7523 §2.2 for the two JWT methods). A public client is
 * `none`; the two plain-secret methods accept each other (a client registered for Basic may post
 * its secret, as before the field existed); every other pairing is refused.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** The methods that present the secret itself (Basic or the form). */
export const PLAIN_SECRET_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];
/** The methods that present a signed JWT (`client_assertion`). */
export const ASSERTION_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_jwt', 'private_key_jwt'];

/** RFC 7591 §2: a confidential client that names no method uses Basic. */
export function defaultAuthMethod(type: ClientType): TokenEndpointAuthMethod {
  return type === 'public' ? 'none' : 'client_secret_basic';
}

/** Whether the method goes with the client type: `none` exactly for public clients. */
export function authMethodFitsType(method: TokenEndpointAuthMethod, type: ClientType): boolean {
  return (method === 'none') === (type === 'public');
}
