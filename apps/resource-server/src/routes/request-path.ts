/**
 * The path a route is matched against, from a request target ("/billing/x?y=1"). Anything a
 * server behind us might read differently from the matcher is refused, never normalised: a
 * decision taken on a path the upstream then resolves elsewhere is how traversal bypasses an
 * auth check (`/billing/..%2fadmin`, `/public/%2e%2e/admin`, `/public;/../admin`). Refused:
 *
 * - no leading '/', a backslash, control characters, bytes outside printable ASCII;
 * - ';' anywhere in the path (path parameters: servlet containers strip them before routing);
 * - empty segments ('//'), which some servers merge and others keep;
 * - percent-encoded '/', '\', '%' (double encoding), control characters, and malformed escapes;
 * - '.' and '..' segments, written plainly or percent-encoded.
 *
 * Other escapes are decoded before matching (`/%62illing` is `/billing`), as the upstream will.
 */
export type RequestPath = { ok: true; path: string } | { ok: false; reason: string };

const MAX_TARGET_LENGTH = 8192;
/** Escapes that would change the path's structure once decoded. */
const STRUCTURAL_ESCAPE = /%(2f|5c|25|[01][0-9a-f]|7f)/i;

export function requestPath(target: string): RequestPath {
  if (target.length > MAX_TARGET_LENGTH) return refused('the path is too long');
  const end = target.search(/[?#]/);
  const raw = end === -1 ? target : target.slice(0, end);
  if (!raw.startsWith('/')) return refused('the path must start with "/"');
  if (!/^[\x21-\x7e]*$/.test(raw)) return refused('the path has spaces, control or non-ASCII characters');
  if (raw.includes('\\')) return refused('the path has a backslash');
  if (raw.includes(';')) return refused('the path has ";" parameters');
  if (STRUCTURAL_ESCAPE.test(raw)) return refused('the path has an encoded "/", "\\", "%" or control character');
  // An empty segment anywhere but last (a trailing '/' is allowed) is a '//' in the path.
  if (raw.includes('//')) return refused('the path has an empty segment ("//")');
  let path = raw;
  if (raw.includes('%')) {
    try {
      path = decodeURIComponent(raw);
    } catch {
      return refused('the path has a malformed percent-encoding');
    }
  }
  if (path.includes('.') && path.split('/').some((segment) => segment === '.' || segment === '..')) return refused('the path has "." or ".." segments');
  return { ok: true, path };
}

function refused(reason: string): RequestPath {
  return { ok: false, reason };
}
