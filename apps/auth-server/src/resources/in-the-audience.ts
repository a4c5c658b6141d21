import type { Client } from '../clients/client.js';
import type { Resource } from './resource.js';

/**
 * "In the audience" (CONTRACT.md "Precisions"): who may present a token at token exchange and
 * learn about it at introspection besides the client it was issued to.
 */

/** What the rule reads of a verified access token of this server. */
export interface AudienceClaims {
  client_id: string;
  aud?: string | string[];
}

/** The token's audiences: `aud` may be a string or an array (CONTRACT.md "Precisions"). */
export function audiencesOf(token: Pick<AudienceClaims, 'aud'>): string[] {
  if (typeof token.aud === 'string') return [token.aud];
  return Array.isArray(token.aud) ? token.aud.filter((value): value is string => typeof value === 'string') : [];
}

/**
 * Whether the caller may present the token: it was issued to the caller, or the caller is in its
 * audience, i.e. an audience is the caller's client_id or a resource that names the caller as the
 * client representing it (CONTRACT.md "Precisions").
 */
export function mayPresent(
  caller: Pick<Client, 'clientId'>,
  token: AudienceClaims,
  resourceOf: (identifier: string) => Pick<Resource, 'clientId'> | undefined,
): boolean {
  if (token.client_id === caller.clientId) return true;
  return audiencesOf(token).some((audience) => audience === caller.clientId || resourceOf(audience)?.clientId === caller.clientId);
}
