/**
 * RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ),
 * i.e. printable ASCII but space, '"' and '\'.
 */
const SCOPE_TOKEN_CHAR = '[\\x21\\x23-\\x5b\\x5d-\\x7e]';
export const SCOPE_TOKEN = new RegExp(`^${SCOPE_TOKEN_CHAR}+$`);

/** A registered scope's name: a scope-token of 1 to 128 characters (CONTRACT.md, Scopes). */
export const MAX_SCOPE_NAME_LENGTH = 128;
export const SCOPE_NAME = new RegExp(`^${SCOPE_TOKEN_CHAR}{1,${MAX_SCOPE_NAME_LENGTH}}$`);

export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/** Whether `name` can name a scope of the registry; checked before a lookup too. */
export function isScopeName(name: string): boolean {
  return SCOPE_NAME.test(name);
}

/**
 * The scope tokens of a `scope` parameter, duplicates collapsed, in the order first given; null
 * when it is not scope tokens separated by single spaces (the empty string is not). A requested
 * token is not length-capped here: one longer than any scope name is simply not allowed.
 * Callers answer null with the error their endpoint owes.
 */
export function parseScope(scope: string): string[] | null {
  const tokens = scope.split(' ');
  return tokens.every(isScopeToken) ? [...new Set(tokens)] : null;
}

/** The `scope` parameter or claim for a list of scope tokens. */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}
