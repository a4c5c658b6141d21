import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '#oauth';
import type { PushedParameters } from '../authorize/pushed/pushed-requests.repository.js';
import type { OAuthForm } from '../token/token-form.js';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
/** The client's own credentials: they authenticate the push and are never stored with the request. */
const CLIENT_AUTHENTICATION_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type'];

export interface PushedForm {
  /** What client authentication reads (single values). */
  authentication: OAuthForm;
  /** The authorization request's parameters, as /oauth/authorize would have received them. */
  parameters: PushedParameters;
}

/**
 * RFC 9126 §2.1: the authorization request's parameters, form-encoded, each at most once except
 * `resource` (RFC 8707 lets it repeat, as at /oauth/authorize); empty values count as absent.
 */
export function parsePushedForm(request: FastifyRequest): PushedForm {
  if (!FORM_TYPE.test(request.headers['content-type'] ?? '')) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
  const body = (request.body ?? {}) as Record<string, unknown>;
  const authentication: Record<string, string> = {};
  const parameters: PushedParameters = {};
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value) && name !== 'resource') throw new InvalidRequest(`the parameter ${/^[a-z_]{1,40}$/.test(name) ? name : 'given'} is repeated`);
    if (typeof value === 'string' && value !== '') authentication[name] = value;
    if (CLIENT_AUTHENTICATION_PARAMETERS.includes(name)) continue;
    if (typeof value === 'string' && value !== '') parameters[name] = value;
    else if (Array.isArray(value)) parameters[name] = value.filter((item): item is string => typeof item === 'string');
  }
  return { authentication, parameters };
}
