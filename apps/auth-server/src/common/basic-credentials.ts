export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Parses an RFC 7617 Basic header. Both halves are form-urlencoded first when used for OAuth
 * client authentication (RFC 6749 §2.3.1), which `decodeFormEncoded` handles; null when malformed.
 */
export function parseBasicAuthorization(header: string | undefined, decodeFormEncoded = false): BasicCredentials | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return null;
  const raw = [decoded.slice(0, separator), decoded.slice(separator + 1)];
  try {
    const [username, password] = decodeFormEncoded ? raw.map(formDecoded) : raw;
    return { username, password };
  } catch {
    return null;
  }
}

/** application/x-www-form-urlencoded decoding; generated ids and secrets (base64url) need none. */
function formDecoded(part: string): string {
  return part.includes('%') || part.includes('+') ? decodeURIComponent(part.replace(/\+/g, ' ')) : part;
}
