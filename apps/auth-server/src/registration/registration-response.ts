import type { ClientView } from '../clients/client.view.js';
import { grantTypesOf, responseTypesOf, type StoredMetadata } from './client-metadata.js';

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the registry's state of the
 * client (an admin may have changed it since) and the metadata kept as registered. A secret and a
 * registration access token appear only in the answer that issued them: both are stored hashed.
 */
export function registrationResponse(view: ClientView, metadata: StoredMetadata, registrationClientUri: string, accessToken?: string): Record<string, unknown> {
  // The stored method is what was registered; the answer says the registry's (an admin may have changed it).
  const informational: Partial<StoredMetadata> = { ...metadata };
  delete informational.token_endpoint_auth_method;
  return {
    client_id: view.clientId,
    ...(view.clientSecret !== undefined ? { client_secret: view.clientSecret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(Date.parse(view.createdAt) / 1000),
    ...(accessToken !== undefined ? { registration_access_token: accessToken } : {}),
    registration_client_uri: registrationClientUri,
    ...informational,
    // The registry's method (an admin may have changed it), not the one registered.
    token_endpoint_auth_method: view.tokenEndpointAuthMethod,
    grant_types: grantTypesOf(view.grants, view.refreshCount.mode === 'unlimited'),
    response_types: responseTypesOf(view.grants),
    redirect_uris: view.redirectUris,
    ...(view.postLogoutRedirectUris.length > 0 ? { post_logout_redirect_uris: view.postLogoutRedirectUris } : {}),
    ...(view.scopes.length > 0 ? { scope: view.scopes.join(' ') } : {}),
    id_token_signed_response_alg: view.idTokenSignedResponseAlg,
    // RFC 9126 §6; said only when on, as the default is false.
    ...(view.requirePushedAuthorizationRequests ? { require_pushed_authorization_requests: true } : {}),
  };
}
