import { readCookie } from '../common/cookies.js';

/**
 * The browser session's cookie: Path=/ (the logout endpoint and every authorize page read it),
 * HttpOnly, SameSite=Lax (a top-level navigation from a client still carries it: that is SSO),
 * Secure when the issuer is https. Its value is 256 random bits; the server keeps their SHA-256.
 */
export const SESSION_COOKIE = 'portcullis_session';

export function serializeSessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearSessionCookie(secure: boolean): string {
  return serializeSessionCookie('', { secure, maxAgeSeconds: 0 });
}

export function sessionHandleOf(cookieHeader: string | undefined): string | null {
  return readCookie(cookieHeader, SESSION_COOKIE);
}
