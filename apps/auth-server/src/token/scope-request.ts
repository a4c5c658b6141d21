import { InvalidScope, parseScope } from '#oauth';

/**
 * The scopes granted for a request: all of `allowed` when none are requested, otherwise the
 * requested ones, each of which must be allowed (invalid_scope otherwise). Duplicates collapse.
 */
export function resolveRequestedScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const scopes = parseScope(requested);
  if (!scopes) throw new InvalidScope('the scope parameter is malformed');
  const refused = scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) throw new InvalidScope('the requested scope is not allowed for this client');
  return scopes;
}
