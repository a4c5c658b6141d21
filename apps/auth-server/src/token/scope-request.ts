import { InvalidScope } from '#oauth';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_GRAMMAR = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * The scopes granted for a request: all of `allowed` when none are requested, otherwise the
 * requested ones, each of which must be allowed (invalid_scope otherwise). Duplicates collapse.
 */
export function resolveRequestedScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  if (!SCOPE_GRAMMAR.test(requested)) throw new InvalidScope('the scope parameter is malformed');
  const scopes = [...new Set(requested.split(' '))];
  const refused = scopes.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) throw new InvalidScope('the requested scope is not allowed for this client');
  return scopes;
}
