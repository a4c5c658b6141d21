/** A client id and secret presented with HTTP Basic. */
export interface BasicCredentials {
  clientId: string;
  secret: string;
}

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i;
/** Longer than any generated id or secret with room to spare: a bigger header is refused unread. */
const MAX_ENCODED_LENGTH = 4096;

/** Whether the Authorization header names the Basic scheme (RFC 7617; the scheme is case-insensitive, RFC 9110 §11.1). */
export function isBasicAuthorization(header: string | string[] | undefined): boolean {
  return typeof header === 'string' && /^Basic(?: |$)/i.test(header);
}

/**
 * RFC 7617 credentials as an OAuth client sends them (RFC 6749 §2.3.1: each half form-urlencoded
 * before the Basic encoding, as the auth server accepts them), or undefined when malformed: not
 * base64, no ':', an empty half, a control character, or a bad %-escape.
 */
export function parseBasicCredentials(header: string | string[] | undefined): BasicCredentials | undefined {
  if (typeof header !== 'string' || header.length > MAX_ENCODED_LENGTH) return undefined;
  const match = BASIC.exec(header);
  if (!match || match[1].length % 4 !== 0) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  const clientId = formDecoded(decoded.slice(0, separator));
  const secret = formDecoded(decoded.slice(separator + 1));
  if (clientId === undefined || secret === undefined || clientId === '' || secret === '') return undefined;
  return { clientId, secret };
}

/** RFC 6749 §2.3.1 for the call to the auth server: each half form-urlencoded, then base64. */
export function basicAuthorizationOf({ clientId, secret }: BasicCredentials): string {
  return `Basic ${Buffer.from(`${formEncoded(clientId)}:${formEncoded(secret)}`).toString('base64')}`;
}

function formDecoded(part: string): string | undefined {
  let value: string;
  try {
    value = part.includes('%') || part.includes('+') ? decodeURIComponent(part.replace(/\+/g, ' ')) : part;
  } catch {
    return undefined;
  }
  // U+FFFD: the base64 was not UTF-8; control characters have no place in an id or a secret.
  return /[\u0000-\u001f\u007f\ufffd]/.test(value) ? undefined : value;
}

function formEncoded(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
