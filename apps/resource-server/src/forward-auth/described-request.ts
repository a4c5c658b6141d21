import type { IncomingHttpHeaders } from 'node:http';
import { ValidationProblem } from '#errors';

export type HeaderValue = string | string[] | undefined;

/** The request a proxy asks about: its method and target (path and query, as the client sent them). */
export interface DescribedRequest {
  method: string;
  target: string;
}

/** Where Envoy's ext_authz sends the check (http_service path_prefix): the original path follows it. */
export const ENVOY_VERIFY_PREFIX = '/auth/verify';

/** RFC 9110 §5.6.2 token: what a method name may be. */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}$/;

/**
 * nginx auth_request and Traefik ForwardAuth: GET /auth/verify describing the request in
 * X-Forwarded-Method and X-Forwarded-Uri (or nginx's X-Original-URI). Exactly one of each, never a
 * default: a proxy that does not say the method could get a POST judged as a GET.
 */
export function forwardedDescription(method: HeaderValue, forwardedUri: HeaderValue, originalUri: HeaderValue): DescribedRequest {
  if (typeof method !== 'string' || !METHOD.test(method)) throw ValidationProblem.field('X-Forwarded-Method', 'send exactly one method');
  if (Array.isArray(forwardedUri) || Array.isArray(originalUri)) throw ValidationProblem.field('X-Forwarded-Uri', 'send exactly one request target');
  if (forwardedUri !== undefined && originalUri !== undefined && forwardedUri !== originalUri) {
    throw ValidationProblem.field('X-Forwarded-Uri', 'X-Forwarded-Uri and X-Original-URI disagree');
  }
  const target = forwardedUri ?? originalUri;
  if (target === undefined || target === '') throw ValidationProblem.field('X-Forwarded-Uri', 'send X-Forwarded-Uri or X-Original-URI');
  return { method: method.toUpperCase(), target };
}

/**
 * Envoy's HTTP ext_authz: the original method, on ENVOY_VERIFY_PREFIX followed by the original
 * path and query, with the original headers. The target is what follows the prefix, as sent (the
 * route rules then refuse ambiguous paths as for any target). A description in headers as well
 * (a caller's own X-Forwarded-* let through) must say the same, or the check is refused: two
 * descriptions of one request leave no way to tell which one the upstream will serve.
 */
export function envoyDescription(method: string, url: string, headers: IncomingHttpHeaders): DescribedRequest {
  if (!url.startsWith(`${ENVOY_VERIFY_PREFIX}/`)) throw ValidationProblem.field('path', `send the original path after ${ENVOY_VERIFY_PREFIX}`);
  const described = { method: method.toUpperCase(), target: url.slice(ENVOY_VERIFY_PREFIX.length) };
  const forwardedMethod = headers['x-forwarded-method'];
  if (forwardedMethod !== undefined && (typeof forwardedMethod !== 'string' || forwardedMethod.toUpperCase() !== described.method)) {
    throw ValidationProblem.field('X-Forwarded-Method', 'X-Forwarded-Method disagrees with the method of the check');
  }
  for (const name of ['x-forwarded-uri', 'x-original-uri'] as const) {
    const value = headers[name];
    if (value !== undefined && value !== described.target)
      throw ValidationProblem.field(name === 'x-forwarded-uri' ? 'X-Forwarded-Uri' : 'X-Original-URI', `${name} disagrees with the path of the check`);
  }
  return described;
}
