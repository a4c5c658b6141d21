import type { BrowserSession } from '../sessions/browser-session.js';
import type { InteractionRequest } from './checks/resolve-interaction.js';

/**
 * Whether the browser's session signs the user in to this request without a login page
 * (single sign-on): there is one, the client did not ask for a fresh login (prompt=login,
 * max_age=0, or max_age seconds passed since the password was typed), and an id_token_hint, if
 * any, names the session's user (`hintMatches`; OIDC Core §3.1.2.1).
 */
export function sessionSignsIn(session: BrowserSession | null, interaction: Pick<InteractionRequest, 'prompt' | 'maxAge'>, hintMatches: boolean, now: Date): session is BrowserSession {
  if (!session || interaction.prompt.includes('login')) return false;
  if (interaction.maxAge !== null) {
    const elapsedMs = now.getTime() - session.authenticatedAt.getTime();
    if (interaction.maxAge === 0 || elapsedMs > interaction.maxAge * 1000) return false;
  }
  return hintMatches;
}
