import type { IncomingHttpHeaders } from 'node:http';
import { ForbiddenProblem, Problem } from '#errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `application/json` or any `+json` type, with optional parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
/** Fetch metadata a browser sends for a request this origin made itself, or a user typed. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

export class UnsupportedMediaTypeProblem extends Problem {
  constructor() {
    super(415, 'Unsupported media type', 'the admin API takes application/json bodies only');
  }
}

/**
 * CSRF defence for the admin API. Browsers resend cached HTTP Basic credentials on their own, so a
 * foreign page's HTML form (or a no-cors fetch) could change the registry as a signed-in admin.
 * Such requests can only carry urlencoded, multipart or text/plain bodies and cannot hide where
 * they come from: a mutation must send JSON (or no body), and a browser's Origin and Sec-Fetch-Site
 * must name this server. Clients that are not browsers send neither header and are unaffected.
 */
export function assertNotCrossSite(method: string, headers: IncomingHttpHeaders, ownOrigin: string): void {
  if (SAFE_METHODS.has(method)) return;
  const fetchSite = headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && !OWN_FETCH_SITES.has(fetchSite.toLowerCase())) throw crossSite();
  const origin = headers.origin;
  if (origin !== undefined && origin !== ownOrigin) throw crossSite();
  const contentType = headers['content-type'];
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) throw new UnsupportedMediaTypeProblem();
}

function crossSite(): ForbiddenProblem {
  return new ForbiddenProblem('cross-site requests to the admin API are refused');
}
