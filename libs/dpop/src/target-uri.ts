import { DpopProofRefused } from './proof-errors.js';

/**
 * The `htu` comparison of RFC 9449 §4.3 (step 9): the URI without query and fragment, compared
 * after the syntax-based normalization of RFC 3986 §6.2.2 (case of scheme and host, percent-encoding
 * case, dot segments) and the scheme-based one of §6.2.3 (default port, empty path is "/"), which
 * WHATWG URL parsing performs.
 */
export function normalizedTargetUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new DpopProofRefused('the DPoP proof htu is not an absolute URI');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DpopProofRefused('the DPoP proof htu is not an http(s) URI');
  return `${url.protocol}//${url.host}${url.pathname}`;
}
