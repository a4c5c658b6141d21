import { InvalidRequest, isPkceValue } from '#oauth';
import type { Client } from '../../clients/client.js';

/**
 * PKCE for the code flow (RFC 7636; RFC 9700 §2.1.1): S256 only, never plain; required of public
 * clients, optional for confidential ones. Returns the challenge to bind to the code.
 */
export function resolveCodeChallenge(challenge: string | undefined, method: string | undefined, client: Client): string | null {
  if (method !== undefined && method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge is required when code_challenge_method is sent');
    if (client.type === 'public') throw new InvalidRequest('public clients must use PKCE: code_challenge is required');
    return null;
  }
  // Without a method RFC 7636 means plain, which this server does not accept.
  if (method === undefined) throw new InvalidRequest('code_challenge_method must be S256');
  if (!isPkceValue(challenge)) throw new InvalidRequest('code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]');
  return challenge;
}
