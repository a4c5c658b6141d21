import { originMatches } from '../settings/origin-pattern.js';

/** Longer client_ids are refused before any parsing (and the clients table keeps them short). */
export const MAX_DOCUMENT_URL_LENGTH = 1024;

/** A client_id that names a metadata document: an absolute http(s) URL, whatever else is wrong with it. */
export function looksLikeDocumentUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

export type DocumentUrlCheck = { url: URL; allowListed: boolean } | { refused: string };

/**
 * draft-ietf-oauth-client-id-metadata-document §3: the client_id is an https URL with a path, no
 * fragment, no user or password, no dot segments. `http`, like a private address later, only for
 * an origin of the `clientIdMetadataDocumentHosts` allow-list. The client_id must be the URL as
 * written: a URL that parses into another spelling (case, default port, escapes) is refused, so
 * that the document's `client_id` is compared with exactly what the client sent.
 */
export function checkDocumentUrl(clientId: string, allowedOrigins: readonly string[]): DocumentUrlCheck {
  if (clientId.length > MAX_DOCUMENT_URL_LENGTH) return { refused: `the client_id URL is longer than ${MAX_DOCUMENT_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return { refused: 'the client_id is not a valid URL' };
  }
  if (url.username !== '' || url.password !== '' || /^https?:\/\/[^/]*@/i.test(clientId)) return { refused: 'the client_id URL must not contain a user name or password' };
  if (clientId.includes('#')) return { refused: 'the client_id URL must not contain a fragment' };
  if (url.pathname === '/' || url.pathname === '') return { refused: 'the client_id URL must have a path' };
  if (/\/(\.|%2e){1,2}(\/|$)/i.test(clientId.split('?')[0])) return { refused: 'the client_id URL must not contain dot segments' };
  if (url.href !== clientId) return { refused: 'the client_id URL is not in its normalized form' };
  const allowListed = originMatches(url, allowedOrigins);
  if (url.protocol !== 'https:' && !allowListed) return { refused: 'the client_id URL must use https' };
  return { url, allowListed };
}
