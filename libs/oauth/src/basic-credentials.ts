/** A user name and password presented with HTTP Basic (RFC 7617). */
export interface BasicCredentials {
  username: string;
  password: string;
}

export interface BasicParsing {
  /**
   * OAuth client authentication (RFC 6749 §2.3.1): each half was form-urlencoded before the Basic
   * encoding, and a client id or secret holds no control character. Off for an admin's user name
   * and password, which are taken as they are.
   */
  formEncoded?: boolean;
}

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;
/** Longer than any generated id or secret with room to spare: a bigger header is refused unread. */
const MAX_ENCODED_LENGTH = 4096;

/** Whether the Authorization header names the Basic scheme (the scheme is case-insensitive, RFC 9110 §11.1). */
export function isBasicAuthorization(header: string | string[] | undefined): boolean {
  return typeof header === 'string' && /^Basic(?: |$)/i.test(header);
}

/**
 * The credentials of an `Authorization: Basic` header, or null when it is malformed: repeated, not
 * base64, longer than 4 KiB, not UTF-8, no ':', an empty half, and with `formEncoded` a bad %-escape
 * or a control character. The password may hold ':' (the split is at the first one).
 */
export function parseBasicAuthorization(header: string | string[] | undefined, { formEncoded = false }: BasicParsing = {}): BasicCredentials | null {
  if (typeof header !== 'string' || header.length > MAX_ENCODED_LENGTH) return null;
  const match = BASIC.exec(header);
  if (!match || match[1].length % 4 !== 0) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // U+FFFD: the base64 was not UTF-8.
  if (decoded.includes('\ufffd')) return null;
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) return null;
  const halves = [decoded.slice(0, separator), decoded.slice(separator + 1)];
  const [username, password] = formEncoded ? halves.map(formDecoded) : halves;
  if (username === undefined || password === undefined || username === '' || password === '') return null;
  return { username, password };
}

/** The header a client sends for client_secret_basic (RFC 6749 §2.3.1: each half form-urlencoded, then base64). */
export function basicAuthorizationOf(username: string, password: string): string {
  return `Basic ${Buffer.from(`${formEncoded(username)}:${formEncoded(password)}`).toString('base64')}`;
}

function formDecoded(part: string): string | undefined {
  let value: string;
  try {
    value = part.includes('%') || part.includes('+') ? decodeURIComponent(part.replace(/\+/g, ' ')) : part;
  } catch {
    return undefined;
  }
  return /[\u0000-\u001f\u007f\ufffd]/.test(value) ? undefined : value;
}

function formEncoded(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
