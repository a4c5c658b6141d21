export { readCookie } from '../../common/cookies.js';

/** The browser's handle on its pending authorization request; only the path /oauth ever sees it. */
export const REQUEST_COOKIE = 'portcullis_authorize';

/** Long enough to read the pages and type a password; short enough that a forgotten tab is harmless. */
export const PENDING_REQUEST_SECONDS = 600;

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds: number;
}

export function serializeRequestCookie(value: string, options: CookieOptions): string {
  const parts = [`${REQUEST_COOKIE}=${value}`, 'Path=/oauth', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearRequestCookie(secure: boolean): string {
  return serializeRequestCookie('', { secure, maxAgeSeconds: 0 });
}
