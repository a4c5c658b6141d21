/**
 * The OAuth vocabulary both apps and the sync contract share, one definition each: grant and client
 * types, the scope, client_id and PKCE grammars, access-token claims, the OAuth error family and the
 * RFC 6750 bearer header (the resource server's routes and the auth server's userinfo), and the
 * RFC 7617 Basic credentials both apps read (client authentication, admin Basic, clientBasic routes).
 * It imports nothing: every other lib and app may depend on it.
 */
export * from './grant-types.js';
export * from './client-types.js';
export * from './scope.js';
export * from './client-id.js';
export * from './pkce.js';
export * from './access-token-claims.js';
export * from './oauth-error.js';
export * from './bearer-header.js';
export * from './dpop-errors.js';
export * from './oidc-errors.js';
export * from './resource-indicator.js';
export * from './token-types.js';
export * from './token-endpoint-auth-method.js';
export * from './jws-signature.js';
export * from './basic-credentials.js';
