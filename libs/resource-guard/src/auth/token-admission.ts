import { InvalidToken } from '#oauth';
import { isIssuedBeforeCutoff } from '../registry/apply-rules.js';
import type { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal, AuthenticatedAccess } from './access-token.js';

/** A token of a client this registry does not know (yet): the guard may catch up once (RegistryCatchUp) and judge it again. */
export class UnknownClient extends InvalidToken {
  constructor() {
    super('the client is unknown');
  }
}

export type RegistryView = Pick<RegistryProjection, 'client' | 'scope' | 'isGrantRevoked' | 'clientRevokedBefore'>;

/**
 * The synced-state half of validation (CONTRACT "Resource server"), run on every request against
 * memory: a valid signature is not enough when the client is unknown, deactivated at the auth
 * server, disabled here, or the token was revoked.
 */
export function admitToken(principal: AccessTokenPrincipal, registry: RegistryView): AuthenticatedAccess {
  const client = registry.client(principal.clientId);
  if (!client) throw new UnknownClient();
  if (!client.active) throw new InvalidToken('the client is deactivated');
  if (!client.enabled) throw new InvalidToken('the client is disabled at this resource server');
  if (principal.grantId !== undefined && registry.isGrantRevoked(principal.grantId)) throw new InvalidToken('the access token was revoked');
  if (isIssuedBeforeCutoff(principal.issuedAt, registry.clientRevokedBefore(principal.clientId))) throw new InvalidToken('the access token was revoked');
  // A scope deleted at the auth server, or taken from the client, no longer grants anything (RS-11).
  const effectiveScopes = principal.scopes.filter((scope) => client.scopes.has(scope) && registry.scope(scope) !== undefined);
  return { ...principal, effectiveScopes };
}

/**
 * AUTH_SERVER_MODE=external: no events bring clients, scopes or revocations, so the registry holds
 * only the local switch (CONTRACT stage 5): a client disabled here is refused, any other client
 * keeps the scopes its token carries.
 */
export function admitLocallyEnabled(principal: AccessTokenPrincipal, registry: Pick<RegistryView, 'client'>): AuthenticatedAccess {
  if (registry.client(principal.clientId)?.enabled === false) throw new InvalidToken('the client is disabled at this resource server');
  return { ...principal, effectiveScopes: [...principal.scopes] };
}

/** How the synced state admits a verified token: admitToken, or admitLocallyEnabled in external mode. */
export type AdmitToken = (principal: AccessTokenPrincipal, registry: RegistryView) => AuthenticatedAccess;

/** RFC 8707 / RFC 9068 §4: a token is admitted only by the resource it was issued for. */
export function assertAudience(principal: AccessTokenPrincipal, resource: string): void {
  if (!principal.audiences.includes(resource)) throw new InvalidToken('the access token is not meant for this resource');
}

export function missingScopes(access: AuthenticatedAccess, required: readonly string[]): string[] {
  return required.filter((scope) => !access.effectiveScopes.includes(scope));
}
