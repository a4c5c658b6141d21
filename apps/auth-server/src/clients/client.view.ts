import type { ClientSnapshot } from '#sync';
import type { ClientType, GrantType, TokenEndpointAuthMethod } from '#oauth';
import type { AccessTokenLifetime, Client, ClientRegistration, RefreshCount } from './client.js';
import type { IdTokenSigningAlg } from './id-token-signing-alg.js';
import type { ClientJwks } from './client-jwks.js';

/** The admin API's JSON for a client (CONTRACT.md, Clients). */
export interface ClientView {
  clientId: string;
  /** Only in the create, regenerate and type-change-to-confidential responses. */
  clientSecret?: string;
  name: string;
  version: string;
  description: string;
  type: ClientType;
  redirectUris: string[];
  grants: GrantType[];
  accessTokenLifetime: AccessTokenLifetime;
  refreshCount: RefreshCount;
  active: boolean;
  /** May introspect every client's tokens (RFC 7662); default false. */
  introspection: boolean;
  /** RS256 (default) or ES256. */
  idTokenSignedResponseAlg: IdTokenSigningAlg;
  postLogoutRedirectUris: string[];
  /** "dynamic": registered at /oauth/register (RFC 7591); "admin": by the admin API or console. */
  registration: ClientRegistration;
  /** RFC 8707 resource identifiers the client may ask tokens for; null: every resource. */
  allowedResources: string[] | null;
  /** RFC 8693: resource identifiers it may exchange tokens into. */
  tokenExchangeAudiences: string[];
  /** RFC 8693: may exchange without an actor token (impersonation). */
  tokenExchangeImpersonation: boolean;
  /** client_secret_basic (default for confidential), client_secret_post, client_secret_jwt, private_key_jwt, or none (public). */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** private_key_jwt: the public keys, or where they are fetched; null otherwise. */
  jwks: ClientJwks | null;
  jwksUri: string | null;
  /** RFC 9126: authorization requests must be pushed first. */
  requirePushedAuthorizationRequests: boolean;
  scopes: string[];
  endpoints: { authorization: string; token: string; refreshToken: string };
  createdAt: string;
  updatedAt: string;
}

export function toClientView(client: Client, scopes: string[], issuer: string, clientSecret?: string): ClientView {
  return {
    clientId: client.clientId,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    name: client.name,
    version: client.version,
    description: client.description,
    type: client.type,
    redirectUris: client.redirectUris,
    grants: client.grants,
    accessTokenLifetime: client.accessTokenLifetime,
    refreshCount: client.refreshCount,
    active: client.active,
    introspection: client.introspection,
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    registration: client.registration,
    allowedResources: client.allowedResources,
    tokenExchangeAudiences: client.tokenExchangeAudiences,
    tokenExchangeImpersonation: client.tokenExchangeImpersonation,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    scopes,
    endpoints: { authorization: `${issuer}/oauth/authorize`, token: `${issuer}/oauth/token`, refreshToken: `${issuer}/oauth/token` },
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

/** What resource servers learn about a client (libs/sync events). */
export function toClientSnapshot(client: Client, scopes: string[]): ClientSnapshot {
  return { clientId: client.clientId, name: client.name, version: client.version, type: client.type, active: client.active, scopes, entityVersion: client.entityVersion };
}
