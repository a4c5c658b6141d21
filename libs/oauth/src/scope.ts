/**
 * RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ),
 * i.e. printable ASCII without space, '"' and '\'.
 */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** A registered scope's name: a scope-token of at most 128 characters (CONTRACT.md). */
export const MAX_SCOPE_NAME_LENGTH = 128;

export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/** Whether `name` can name a scope in the registry (admin API, lookups). */
export function isScopeName(name: string): boolean {
  return name.length <= MAX_SCOPE_NAME_LENGTH && isScopeToken(name);
}

/**
 * The scope tokens of a `scope` parameter, duplicates collapsed, in the order first given; null
 * when it is not a list of scope tokens separated by single spaces (the empty string included).
 * Callers answer null with the error their endpoint owes (invalid_scope, a redirect, a 400).
 */
export function parseScope(scope: string): string[] | null {
  const tokens = scope.split(' ');
  return tokens.every(isScopeToken) ? [...new Set(tokens)] : null;
}

/** The `scope` parameter or claim for a list of scope tokens (RFC 6749 §3.3). */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}
