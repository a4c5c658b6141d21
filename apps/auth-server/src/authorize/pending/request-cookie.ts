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

/** Reads one cookie from a Cookie header (RFC 6265 §5.4); our values are base64url, so no decoding. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return null;
}
