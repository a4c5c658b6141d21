import { DPOP_SIGNING_ALGS } from '#dpop';
import { GrantTypes } from '#oauth';
import { RESPONSE_TYPES } from '../authorize/authorize-request.js';
import { ID_TOKEN_SIGNING_ALGS } from '../clients/id-token-signing-alg.js';
import { INTROSPECTION_SIGNING_ALGS } from '../introspection/jwt-introspection-response.js';
import { CLIENT_SECRET_JWT_ALGS, PRIVATE_KEY_JWT_ALGS } from '../client-assertion/client-assertion-algs.js';
import { USERINFO_CLAIMS } from '../users/profile/scope-claims.js';

/**
 * The endpoints this server publishes, by their metadata name. The one place to add an endpoint:
 * both documents list it (CONTRACT "Second wave": userinfo_endpoint, end_session_endpoint, …).
 */
export function endpointsOf(issuer: string): Record<string, string> {
  return {
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/oauth/jwks`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    // RP-Initiated Logout 1.0 §2.1.
    end_session_endpoint: `${issuer}/oauth/logout`,
    // RFC 8628 §4.
    device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
    // RFC 9126 §5.
    pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
  };
}

/** What the settings switch on and off, at the time of the request. */
export interface MetadataFeatures {
  /** The dynamicRegistration setting is not off. */
  registration: boolean;
  /** CLIENT_SECRET_ENCRYPTION_KEY is set (clients/client-secret-box.ts). */
  clientSecretJwt?: boolean;
  /** The requirePushedAuthorizationRequests setting. */
  requirePushedAuthorizationRequests?: boolean;
}

/** What a client may authenticate with at the token endpoint, and (without none) where only confidential clients may call. */
function authenticationMetadata(clientSecretJwt: boolean): Record<string, string[]> {
  const jwtMethods = clientSecretJwt ? ['client_secret_jwt', 'private_key_jwt'] : ['private_key_jwt'];
  const confidential = ['client_secret_basic', 'client_secret_post', ...jwtMethods];
  const algs = [...PRIVATE_KEY_JWT_ALGS, ...(clientSecretJwt ? CLIENT_SECRET_JWT_ALGS : [])];
  return {
    token_endpoint_auth_methods_supported: [...confidential, 'none'],
    token_endpoint_auth_signing_alg_values_supported: algs,
    introspection_endpoint_auth_methods_supported: confidential,
    introspection_endpoint_auth_signing_alg_values_supported: algs,
    revocation_endpoint_auth_methods_supported: [...confidential, 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: algs,
  };
}

/** The claims an id token may carry (OIDC Discovery §3 claims_supported); userinfo's scopes add theirs. */
export const CLAIMS_SUPPORTED = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp'];

/**
 * One document for RFC 8414 (`/.well-known/oauth-authorization-server`) and OpenID Connect
 * Discovery 1.0 (`/.well-known/openid-configuration`): the same issuer, endpoints and capabilities
 * by construction. RFC 8414 §2 allows the OIDC members; Discovery §3 requires them.
 */
export function authorizationServerMetadata(issuer: string, scopes: string[], features: MetadataFeatures = { registration: false }): Record<string, unknown> {
  return {
    issuer,
    ...endpointsOf(issuer),
    // RFC 8414 §2: only while the dynamicRegistration setting lets someone register.
    ...(features.registration ? { registration_endpoint: `${issuer}/oauth/register` } : {}),
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: ['query', 'fragment'],
    grant_types_supported: [GrantTypes.authorizationCode, GrantTypes.implicit, GrantTypes.clientCredentials, GrantTypes.password, GrantTypes.refreshToken, GrantTypes.tokenExchange, GrantTypes.deviceCode],
    ...authenticationMetadata(features.clientSecretJwt ?? false),
    // RFC 9701 §7: JWT introspection responses (Accept: application/token-introspection+jwt).
    introspection_signing_alg_values_supported: [...INTROSPECTION_SIGNING_ALGS],
    code_challenge_methods_supported: ['S256'],
    // RFC 9449 §5.1: proofs are accepted at the token endpoint (bound tokens) and at userinfo.
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    // RFC 9126 §5: the global setting (a client's own flag is its require_pushed_authorization_requests).
    require_pushed_authorization_requests: features.requirePushedAuthorizationRequests ?? false,
    // RFC 9207: every authorization response carries iss (authorizationResponseLocation).
    authorization_response_iss_parameter_supported: true,
    scopes_supported: scopes,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...ID_TOKEN_SIGNING_ALGS],
    claims_supported: [...CLAIMS_SUPPORTED, ...USERINFO_CLAIMS],
    // Discovery §3 defaults: request_uri_parameter_supported is true unless said otherwise.
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}
