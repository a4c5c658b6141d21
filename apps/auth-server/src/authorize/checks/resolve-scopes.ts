import { InvalidScope, parseScope } from '#oauth';

/**
 * The scopes to grant: the requested ones when all are associated with the client, all the
 * associated ones when none is requested (CONTRACT.md). Never silently narrowed.
 */
export function resolveScopes(requested: string | undefined, associated: readonly string[]): string[] {
  if (requested === undefined || requested === '') return [...associated];
  const scopes = parseScope(requested);
  if (!scopes) throw new InvalidScope('scope is not a space-separated list of scope tokens');
  const unknown = scopes.filter((scope) => !associated.includes(scope));
  if (unknown.length > 0) throw new InvalidScope('the requested scope is not allowed for this client');
  return scopes;
}
