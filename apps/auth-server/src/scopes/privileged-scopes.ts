import { InvalidScope } from '#oauth';
import type { AssociatedScope } from '../clients/associated-scope.js';

/**
 * How a user grant treats a privileged scope the user lacks the permission for (CONTRACT
 * "Privileged scopes"): `refuse` (asked for explicitly, or already granted in a code: invalid_scope)
 * or `drop` (implied by "all associated scopes", or a refresh: left out silently).
 */
export type Shortfall = 'refuse' | 'drop';

/**
 * The scopes a user may be issued among `scopes`. A scope not in `associated` needs nothing here
 * (whether it is associated is the caller's check); client grants have no user and skip this.
 */
export function scopesForUser(
  scopes: readonly string[],
  associated: readonly AssociatedScope[],
  permissions: readonly string[],
  shortfall: Shortfall,
): string[] {
  const required = new Map(associated.map((scope) => [scope.name, scope.requiredPermission]));
  const lacking = (scope: string): boolean => {
    const permission = required.get(scope);
    return permission !== undefined && permission !== null && !permissions.includes(permission);
  };
  if (shortfall === 'refuse' && scopes.some(lacking)) throw new InvalidScope('the requested scope requires a permission the user does not have');
  return scopes.filter((scope) => !lacking(scope));
}

/** The code's or grant's scopes that are still associated with the client (order kept). */
export function stillAssociated(scopes: readonly string[], associated: readonly AssociatedScope[]): string[] {
  const names = new Set(associated.map((scope) => scope.name));
  return scopes.filter((scope) => names.has(scope));
}
