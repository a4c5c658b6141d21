import type { Client } from '../../clients/client.js';

/** CONTRACT.md: a user grant gets a refresh token only when the client's refresh count is unlimited or above 0 (and, for OIDC, offline_access granted). */
export function refreshAllowed(client: Client): boolean {
  return client.refreshCount.mode === 'unlimited' || client.refreshCount.limit > 0;
}
