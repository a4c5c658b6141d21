/**
 * Builds the URI the browser is sent back to. The registered URI is used as written (no URL
 * re-serialisation, which could change it), with the parameters appended to its query (code flow,
 * RFC 6749 §4.1.2) or put in the fragment (implicit, §4.2.2: tokens never travel in a query).
 */
export function redirectWith(redirectUri: string, mode: 'query' | 'fragment', params: Record<string, string | null | undefined>): string {
  const encoded = Object.entries(params)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  if (mode === 'fragment') return `${redirectUri}#${encoded}`;
  const separator = redirectUri.includes('?') ? (redirectUri.endsWith('?') || redirectUri.endsWith('&') ? '' : '&') : '?';
  return `${redirectUri}${separator}${encoded}`;
}

/**
 * An authorization response, success or error, query or fragment: the parameters plus `iss`
 * (RFC 9207 §2), so that a client talking to several servers can tell which one answered (the
 * mix-up attack, RFC 9700 §4.4). Every redirect back from /oauth/authorize is built here.
 */
export function authorizationResponseLocation(
  issuer: string,
  redirectUri: string,
  mode: 'query' | 'fragment',
  params: Record<string, string | null | undefined>,
): string {
  return redirectWith(redirectUri, mode, { ...params, iss: issuer });
}
