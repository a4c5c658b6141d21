import type { ClientType } from '#oauth';

/** Hosts on which plain http is acceptable: the app and the browser are on the same machine (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Schemes that can run code or read local data when a browser follows them (SECURITY-CHECKLIST AD-5). */
const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'filesystem:']);

export const MAX_REDIRECT_URI_LENGTH = 2048;

/**
 * Why a redirect URI may not be registered, or null when it may (RFC 6749 §3.1.2, RFC 9700 §2.1,
 * RFC 8252 §7.1-7.3). URIs are later compared by exact string equality, so they are checked as written.
 */
export function redirectUriError(raw: string, type: ClientType): string | null {
  if (raw.length === 0 || raw.length > MAX_REDIRECT_URI_LENGTH) return `must be 1 to ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (/[\s\x00-\x1f\x7f]/.test(raw)) return 'must not contain whitespace or control characters';
  if (raw.includes('#')) return 'must not contain a fragment';
  if (raw.includes('*')) return 'must not contain a wildcard';
  const url = parse(raw);
  if (!url) return 'must be an absolute URI';
  if (DANGEROUS_SCHEMES.has(url.protocol)) return `the scheme ${url.protocol} is not allowed`;
  if (url.username || url.password || authorityOf(raw).includes('@')) return 'must not contain user information';
  if (url.protocol === 'https:' || url.protocol === 'http:') return webUriError(raw, url);
  return privateUseUriError(url, type);
}

function webUriError(raw: string, url: URL): string | null {
  if (!/^https?:\/\/[^/?#]/i.test(raw)) return 'must be an absolute URI with a host';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])';
  return null;
}

/** RFC 8252 §7.1: a reverse-domain scheme (com.example.app:/cb) for native apps, which are public clients. */
function privateUseUriError(url: URL, type: ClientType): string | null {
  if (type !== 'public') return 'must use https (or http on a loopback host); private-use schemes are for public clients';
  if (!url.protocol.slice(0, -1).includes('.')) return 'a private-use scheme must be a reverse domain name, such as com.example.app';
  return null;
}

function parse(raw: string): URL | null {
  try {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(raw) ? new URL(raw) : null;
  } catch {
    return null;
  }
}

/** The authority as written, so that "@" tricks are caught even where the URL parser would not see userinfo. */
function authorityOf(raw: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(raw);
  return match ? match[1] : '';
}
