import type { IncomingHttpHeaders } from 'node:http';
import { ValidationProblem } from '#errors';
import { authHeadersOf } from '../route-access/auth-headers.js';
import type { RouteAccess, RouteAuthorizer } from '../route-access/route-authorizer.js';

/** RFC 9110 §5.6.2 token: what a method name may be. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;
const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Forward authentication's decision on the request a proxy describes (X-Forwarded-Method,
 * X-Forwarded-Uri or X-Original-URI, Authorization): the X-Auth-* headers to answer (none for a
 * public route), or the route's refusal thrown (400 for a missing or ambiguous description). At
 * once for a token verified before (RouteAuthorizer.decide), else a Promise.
 */
export function decideForwarded(authorizer: RouteAuthorizer, headers: IncomingHttpHeaders): Record<string, string> | Promise<Record<string, string>> {
  const decision = authorizer.decide({
    method: described(headers['x-forwarded-method']),
    target: target(headers['x-forwarded-uri'], headers['x-original-uri']),
    authorization: headers.authorization,
  });
  return decision instanceof Promise ? decision.then(headersOf) : headersOf(decision);
}

function headersOf({ access }: RouteAccess): Record<string, string> {
  return access ? authHeadersOf(access) : NONE;
}

function described(method: string | string[] | undefined): string {
  // Never a default: a proxy that does not say the method could get a POST judged as a GET.
  if (typeof method !== 'string' || !METHOD.test(method)) throw ValidationProblem.field('X-Forwarded-Method', 'send exactly one method');
  return method.toUpperCase();
}

function target(forwardedUri: string | string[] | undefined, originalUri: string | string[] | undefined): string {
  if (Array.isArray(forwardedUri) || Array.isArray(originalUri)) throw ValidationProblem.field('X-Forwarded-Uri', 'send exactly one request target');
  if (forwardedUri !== undefined && originalUri !== undefined && forwardedUri !== originalUri) {
    throw ValidationProblem.field('X-Forwarded-Uri', 'X-Forwarded-Uri and X-Original-URI disagree');
  }
  const uri = forwardedUri ?? originalUri;
  if (uri === undefined || uri === '') throw ValidationProblem.field('X-Forwarded-Uri', 'send X-Forwarded-Uri or X-Original-URI');
  return uri;
}
