import { InvalidRequest, InvalidScope, InvalidTarget, TokenTypeIdentifiers, isResourceIndicator, parseScope, type ActorClaim } from '#oauth';
import type { Client } from '../../../clients/client.js';
import type { Resource } from '../../../resources/resource.js';

/**
 * The rules of RFC 8693 as Portcullis applies them, free of I/O so that each is tested alone
 * (token-exchange-rules.spec.ts). The grant (token-exchange.grant.ts) reads the tokens and the
 * registry and hands the facts here.
 */

/** Deepest `act` nesting accepted: every exchange adds one level, and the token grows with it. */
export const MAX_DELEGATION_DEPTH = 8;

/** The claims of a presented token that the rules read (a verified access token of this server). */
export interface PresentedToken {
  sub: string;
  client_id: string;
  aud?: string | string[];
  act?: unknown;
}

/** Only access tokens of this server are exchanged (CONTRACT.md); any other type is named invalid_request. */
export function assertAccessTokenType(type: string, parameter: 'subject_token_type' | 'actor_token_type'): void {
  if (type !== TokenTypeIdentifiers.accessToken) throw new InvalidRequest(`unsupported ${parameter}: only ${TokenTypeIdentifiers.accessToken} is accepted`);
}

/** RFC 8693 §2.1: actor_token_type comes with actor_token and only with it; requested_token_type, if sent, is an access token. */
export function assertParameterPairs(request: { actor_token?: string; actor_token_type?: string; requested_token_type?: string }): void {
  if (request.actor_token !== undefined && request.actor_token_type === undefined) throw new InvalidRequest('the parameter actor_token_type is missing');
  if (request.actor_token === undefined && request.actor_token_type !== undefined) throw new InvalidRequest('actor_token_type without actor_token');
  if (request.requested_token_type !== undefined && request.requested_token_type !== TokenTypeIdentifiers.accessToken) {
    throw new InvalidRequest(`unsupported requested_token_type: only ${TokenTypeIdentifiers.accessToken} is issued`);
  }
}

/**
 * RFC 8693 §4.1: the new token's `act`. With an actor token, the actor is the current one and the
 * subject token's own `act` (the prior actors) nests inside it. Without one (impersonation), the
 * subject token's `act` is kept as it was: the new token stands for the same party. Too deep a
 * chain is refused.
 */
export function actorClaimFor(subject: PresentedToken, actor: PresentedToken | undefined): ActorClaim | undefined {
  const prior = asActorClaim(subject.act);
  if (!actor) return prior;
  const act: ActorClaim = { sub: actor.sub, client_id: actor.client_id, ...(prior ? { act: prior } : {}) };
  if (depthOf(act) > MAX_DELEGATION_DEPTH) throw new InvalidRequest(`the delegation chain is too long (at most ${MAX_DELEGATION_DEPTH} actors)`);
  return act;
}

function asActorClaim(value: unknown): ActorClaim | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { sub, client_id, act } = value as Record<string, unknown>;
  if (typeof sub !== 'string' || typeof client_id !== 'string') return undefined;
  const nested = asActorClaim(act);
  return { sub, client_id, ...(nested ? { act: nested } : {}) };
}

function depthOf(act: ActorClaim | undefined): number {
  let depth = 0;
  for (let current = act; current; current = current.act) depth++;
  return depth;
}

/**
 * The audience of the exchanged token: `resource` and `audience` (RFC 8693 §2.1) both name a
 * resource identifier here, and must agree when both are sent. None: the subject token's own
 * audience. The subject token's audience again is no widening; any other one must be a
 * registered resource listed in the client's `tokenExchangeAudiences`. Either way the client's
 * allowedResources, when set, must include it, as at every grant. Everything else is invalid_target.
 */
export function exchangeAudience(
  request: { resource?: string; audience?: string },
  subjectAudience: string,
  client: Pick<Client, 'tokenExchangeAudiences' | 'allowedResources'>,
  resourceOf: (identifier: string) => Resource | undefined,
): { audience: string; resource: Resource | undefined } {
  const { resource: byResource, audience: byAudience } = request;
  if (byResource !== undefined && byAudience !== undefined && byResource !== byAudience)
    throw new InvalidTarget('resource and audience name different targets: name one');
  const requested = byResource ?? byAudience;
  const usable = (audience: string) => client.allowedResources === null || client.allowedResources.includes(audience);
  if (requested === undefined || requested === subjectAudience) {
    if (!usable(subjectAudience)) throw new InvalidTarget('the client may not use this resource');
    return { audience: subjectAudience, resource: resourceOf(subjectAudience) };
  }
  if (!isResourceIndicator(requested)) throw new InvalidTarget('the audience must be a resource identifier: an absolute URI without a fragment');
  if (!client.tokenExchangeAudiences.includes(requested)) throw new InvalidTarget('the client may not exchange tokens into this audience');
  const resource = resourceOf(requested);
  if (!resource) throw new InvalidTarget('the resource is not registered');
  if (!usable(requested)) throw new InvalidTarget('the client may not use this resource');
  return { audience: requested, resource };
}

/**
 * The scopes of the exchanged token: at most the subject token's (still granted) scopes, and among
 * them only those associated with the calling client (the token is the caller's; a resource server
 * narrows a token's scopes to its client's). Asked for: each must be in both (invalid_scope
 * otherwise). Not asked for: what both have.
 */
export function exchangeScopes(requested: string | undefined, subjectScopes: readonly string[], callerScopes: readonly string[]): string[] {
  if (requested === undefined) return subjectScopes.filter((scope) => callerScopes.includes(scope));
  const scopes = parseScope(requested);
  if (!scopes) throw new InvalidScope('the scope parameter is malformed');
  if (scopes.some((scope) => !subjectScopes.includes(scope))) throw new InvalidScope("the scope may only narrow the subject token's scope");
  if (scopes.some((scope) => !callerScopes.includes(scope))) throw new InvalidScope('the requested scope is not allowed for this client');
  return scopes;
}
