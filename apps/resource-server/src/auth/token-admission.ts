import { InvalidToken } from '#oauth';
import { isIssuedBeforeCutoff } from '../registry/apply-rules.js';
import type { RegistryProjection } from '../registry/registry-projection.js';
import type { AccessTokenPrincipal, AuthenticatedAccess } from './access-token.js';

export type RegistryView = Pick<RegistryProjection, 'client' | 'scope' | 'isGrantRevoked' | 'clientRevokedBefore'>;

/**
 * The synced-state half of validation (CONTRACT "Resource server"), run on every request against
 * memory: a valid signature is not enough when the client is unknown, deactivated at the auth
 * server, disabled here, or the token was revoked.
 */
export function admitToken(principal: AccessTokenPrincipal, registry: RegistryView): AuthenticatedAccess {
  const client = registry.client(principal.clientId);
  if (!client) throw new InvalidToken('the client is unknown');
  if (!client.active) throw new InvalidToken('the client is deactivated');
  if (!client.enabled) throw new InvalidToken('the client is disabled at this resource server');
  if (principal.grantId !== undefined && registry.isGrantRevoked(principal.grantId)) throw new InvalidToken('the access token was revoked');
  if (isIssuedBeforeCutoff(principal.issuedAt, registry.clientRevokedBefore(principal.clientId))) throw new InvalidToken('the access token was revoked');
  // A scope deleted at the auth server, or taken from the client, no longer grants anything (RS-11).
  const effectiveScopes = principal.scopes.filter((scope) => client.scopes.has(scope) && registry.scope(scope) !== undefined);
  return { ...principal, effectiveScopes };
}

export function missingScopes(access: AuthenticatedAccess, required: readonly string[]): string[] {
  return required.filter((scope) => !access.effectiveScopes.includes(scope));
}
