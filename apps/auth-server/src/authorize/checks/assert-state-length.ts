import { InvalidRequest } from '#oauth';

/** Generous for any CSRF token or encoded app state, yet keeps the redirect URL well under browser limits. */
export const MAX_STATE_LENGTH = 4096;

/**
 * state is echoed byte for byte, so a state too long to echo is refused rather than truncated
 * (SECURITY-CHECKLIST AZ-15). The error cannot echo it either, so it goes without state.
 */
export function assertStateLength(state: string | undefined): void {
  if (state !== undefined && state.length > MAX_STATE_LENGTH) throw new InvalidRequest(`state must be at most ${MAX_STATE_LENGTH} characters`);
}
