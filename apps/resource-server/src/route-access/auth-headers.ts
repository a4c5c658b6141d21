import { formatScope } from '#oauth';
import type { AuthenticatedAccess } from '#resource-guard';

/**
 * What an upstream learns about the caller (CONTRACT "Putting real APIs behind the resource
 * server"). A gateway removes every one of these a caller sent before adding its own;
 * forward authentication answers them for the proxy to copy.
 */
export const AUTH_HEADERS = {
  subject: 'x-auth-subject',
  clientId: 'x-auth-client-id',
  scope: 'x-auth-scope',
  tokenId: 'x-auth-token-id',
} as const;

export const AUTH_HEADER_NAMES: readonly string[] = Object.values(AUTH_HEADERS);

/**
 * Built once per access object: AdmissionMemo hands out the same frozen access for a token until
 * the registry changes, so a proxied request reuses its headers (frozen: callers only read them).
 */
const built = new WeakMap<AuthenticatedAccess, Readonly<Record<string, string>>>();

/** The X-Auth-* headers of an admitted token; the scope is space-separated, as in the token. */
export function authHeadersOf(access: AuthenticatedAccess): Record<string, string> {
  let headers = built.get(access);
  if (headers === undefined) {
    headers = Object.freeze(authHeadersBuilt(access));
    built.set(access, headers);
  }
  return headers as Record<string, string>;
}

function authHeadersBuilt(access: AuthenticatedAccess): Record<string, string> {
  const headers: Record<string, string> = {
    [AUTH_HEADERS.subject]: access.sub,
    [AUTH_HEADERS.clientId]: access.clientId,
    [AUTH_HEADERS.scope]: formatScope(access.effectiveScopes),
  };
  if (access.tokenId !== undefined) headers[AUTH_HEADERS.tokenId] = access.tokenId;
  return headers;
}
