import { InvalidScope } from '#oauth';

/** RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_GRAMMAR = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * The scopes to grant: the requested ones when all are associated with the client, all the
 * associated ones when none is requested (CONTRACT.md). Never silently narrowed.
 */
export function resolveScopes(requested: string | undefined, associated: readonly string[]): string[] {
  if (requested === undefined || requested === '') return [...associated];
  if (!SCOPE_GRAMMAR.test(requested)) throw new InvalidScope('scope is not a space-separated list of scope tokens');
  const scopes = [...new Set(requested.split(' '))];
  const unknown = scopes.filter((scope) => !associated.includes(scope));
  if (unknown.length > 0) throw new InvalidScope('the requested scope is not allowed for this client');
  return scopes;
}
