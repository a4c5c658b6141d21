import { defaultAuthMethod, type GrantType, type TokenEndpointAuthMethod } from '#oauth';
import type { AccessTokenLifetime, Client, RefreshCount } from './client.js';
import type { ClientEntity } from './client.entity.js';
import type { ClientJwks } from './client-jwks.js';
import type { ClientWithSecrets } from './client-with-secrets.js';

export function toClient(entity: ClientEntity): Client {
  return {
    id: entity.id,
    clientId: entity.clientId,
    name: entity.name,
    version: entity.version,
    description: entity.description,
    type: entity.type,
    redirectUris: entity.redirectUris,
    grants: entity.grants as GrantType[],
    accessTokenLifetime: toLifetime(entity),
    refreshCount: entity.refreshCountMode === 'unlimited' ? { mode: 'unlimited' } : { mode: 'limited', limit: entity.refreshCountLimit ?? 0 },
    active: entity.active,
    introspection: entity.introspection,
    idTokenSignedResponseAlg: entity.idTokenSignedResponseAlg,
    postLogoutRedirectUris: entity.postLogoutRedirectUris,
    registration: entity.registration,
    allowedResources: entity.allowedResources ?? null,
    tokenExchangeAudiences: entity.tokenExchangeAudiences ?? [],
    tokenExchangeImpersonation: entity.tokenExchangeImpersonation ?? false,
    tokenEndpointAuthMethod: authMethodOf(entity),
    jwks: (entity.jwks as ClientJwks | null) ?? null,
    jwksUri: entity.jwksUri ?? null,
    requirePushedAuthorizationRequests: entity.requirePushedAuthorizationRequests,
    entityVersion: Number(entity.entityVersion),
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

function toLifetime(entity: ClientEntity): AccessTokenLifetime {
  if (entity.accessTokenLifetimeMode === 'seconds') return { mode: 'seconds', seconds: entity.accessTokenLifetimeSeconds ?? 1 };
  return { mode: entity.accessTokenLifetimeMode };
}

export function lifetimeColumns(lifetime: AccessTokenLifetime): Pick<ClientEntity, 'accessTokenLifetimeMode' | 'accessTokenLifetimeSeconds'> {
  return { accessTokenLifetimeMode: lifetime.mode, accessTokenLifetimeSeconds: lifetime.mode === 'seconds' ? lifetime.seconds : null };
}

export function refreshCountColumns(count: RefreshCount): Pick<ClientEntity, 'refreshCountMode' | 'refreshCountLimit'> {
  return { refreshCountMode: count.mode, refreshCountLimit: count.mode === 'limited' ? count.limit : null };
}

export function toClientWithSecrets(entity: ClientEntity): ClientWithSecrets {
  return {
    client: toClient(entity),
    secretHash: entity.secretHash,
    previousSecretHash: entity.previousSecretHash,
    previousSecretExpiresAt: entity.previousSecretExpiresAt,
    secretSealed: entity.secretSealed ?? null,
    previousSecretSealed: entity.previousSecretSealed ?? null,
  };
}

/** `none` exactly for public clients, whatever a row written by other means (SQL, an older version) says: the column's default is Basic. */
function authMethodOf(entity: ClientEntity): TokenEndpointAuthMethod {
  if (entity.type === 'public') return 'none';
  return entity.tokenEndpointAuthMethod === 'none' ? defaultAuthMethod(entity.type) : entity.tokenEndpointAuthMethod;
}
