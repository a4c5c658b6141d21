import type { ClientType, GrantType, TokenEndpointAuthMethod } from '#oauth';
import type { IdTokenSigningAlg } from './id-token-signing-alg.js';
import type { ClientJwks } from './client-jwks.js';

export type AccessTokenLifetime = { mode: 'global' } | { mode: 'never' } | { mode: 'seconds'; seconds: number };
export type RefreshCount = { mode: 'unlimited' } | { mode: 'limited'; limit: number };
/** How the client came to be: by an admin (API, console, seed) or by dynamic registration (RFC 7591). */
export type ClientRegistration = 'admin' | 'dynamic';

/** The domain view of a client. Secret hashes stay inside the clients module. */
export interface Client {
  /** Internal row id (foreign keys); never shown by the API. */
  id: string;
  clientId: string;
  name: string;
  version: string;
  description: string;
  type: ClientType;
  redirectUris: string[];
  grants: GrantType[];
  accessTokenLifetime: AccessTokenLifetime;
  refreshCount: RefreshCount;
  active: boolean;
  /** Learns about every token at /oauth/introspect (a resource server); otherwise only about its own. */
  introspection: boolean;
  /** How this client's id tokens are signed (OIDC Dynamic Registration §2 id_token_signed_response_alg); default RS256. */
  idTokenSignedResponseAlg: IdTokenSigningAlg;
  /** Where RP-initiated logout may send the browser back to (exact match, as redirect URIs). */
  postLogoutRedirectUris: string[];
  registration: ClientRegistration;
  /** Identifiers of the resources (RFC 8707) it may ask tokens for; null: every registered resource. */
  allowedResources: string[] | null;
  /** RFC 8693: the resource identifiers it may exchange tokens into ([]: none but the subject token's own audience). */
  tokenExchangeAudiences: string[];
  /** RFC 8693 impersonation: may exchange a subject token without an actor_token (the result carries no `act`). */
  tokenExchangeImpersonation: boolean;
  /** How it authenticates (RFC 7591 token_endpoint_auth_method): `none` exactly for public clients. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** private_key_jwt: its public keys inline, or where to fetch them (one of the two). */
  jwks: ClientJwks | null;
  jwksUri: string | null;
  /** RFC 9126 §6: /oauth/authorize takes only pushed requests (request_uri) from it. */
  requirePushedAuthorizationRequests: boolean;
  entityVersion: number;
  createdAt: Date;
  updatedAt: Date;
}
