import type { AccessTokenLifetime } from '../clients/client.js';

/** Seconds an access token lives, or null for "never" (no exp claim, no expires_in). */
export function accessTokenLifetimeSeconds(lifetime: AccessTokenLifetime, globalSeconds: number): number | null {
  if (lifetime.mode === 'never') return null;
  if (lifetime.mode === 'seconds') return lifetime.seconds;
  return globalSeconds;
}
