import { InvalidRequest, InvalidTarget } from '#oauth';
import type { LaneRequest } from '#operability';

/**
 * The form as sent: every parameter once, by name. Grants read it through their declared
 * GrantParameters (grant-parameters.ts); the client authentication reads client_id and client_secret.
 */
export type OAuthForm = Readonly<Record<string, string>>;

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * The form of a token, introspection or revocation request (RFC 6749 §3.2): form-urlencoded only,
 * every parameter at most once (repeated keys arrive as arrays), empty values treated as omitted
 * (RFC 6749 §3.1). `repeatableResource`: an endpoint that remembers several resources for later
 * tokens (the device authorization endpoint, as /oauth/authorize) reads `resource` from the body itself.
 */
export function parseOAuthForm(request: LaneRequest, { repeatableResource = false } = {}): OAuthForm {
  if (!FORM_TYPE.test(request.headers['content-type'] ?? '')) throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
  const body = (request.body ?? {}) as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (repeatableResource && name === 'resource') continue;
    // RFC 8707 lets `resource` repeat; a token here has exactly one audience, so one is named.
    if (Array.isArray(value) && name === 'resource') throw new InvalidTarget('a token has one audience: name one resource');
    if (Array.isArray(value)) throw new InvalidRequest(`the parameter ${safeName(name)} is repeated`);
    if (typeof value === 'string' && value !== '') params[name] = value;
  }
  return params;
}

export function requireParam(params: OAuthForm, name: string): string {
  const value = params[name];
  if (value === undefined) throw new InvalidRequest(`the parameter ${name} is missing`);
  return value;
}

function safeName(name: string): string {
  return /^[a-z_]{1,40}$/.test(name) ? name : 'given';
}
