/**
 * The scopes OpenID Connect gives a meaning to (OIDC Core §5.4, §11). `openid` turns an
 * authorization request into an OpenID Connect one; `offline_access` is how such a request asks
 * for a refresh token.
 */
export const OpenIdScopes = {
  openid: 'openid',
  profile: 'profile',
  email: 'email',
  phone: 'phone',
  address: 'address',
  offlineAccess: 'offline_access',
} as const;

/** Created at the first start of a server that has OpenID Connect (CONTRACT "OpenID Connect"). */
export const STANDARD_SCOPES: readonly { name: string; description: string }[] = [
  { name: OpenIdScopes.openid, description: 'Sign in with OpenID Connect: an id token naming the user' },
  { name: OpenIdScopes.profile, description: 'Your name, user name, picture, locale and time zone' },
  { name: OpenIdScopes.email, description: 'Your email address and whether it is verified' },
  { name: OpenIdScopes.phone, description: 'Your phone number and whether it is verified' },
  { name: OpenIdScopes.address, description: 'Your postal address' },
  { name: OpenIdScopes.offlineAccess, description: 'Stay signed in to the application: a refresh token' },
];

export function isOpenIdRequest(scopes: readonly string[]): boolean {
  return scopes.includes(OpenIdScopes.openid);
}

/**
 * Whether granted scopes let a refresh token be issued: any OAuth request as before, an OpenID
 * Connect request only with offline_access (OIDC Core §11). The client's refresh count applies on top.
 */
export function scopesAllowRefreshToken(scopes: readonly string[]): boolean {
  return !isOpenIdRequest(scopes) || scopes.includes(OpenIdScopes.offlineAccess);
}
