import type { Consent } from '../../consents/consent.js';

/** GET /admin/v1/users/{id}/consents: `{id, clientId, scopes, grantedAt}` (CONTRACT.md, Precisions). */
export interface UserConsentResponse {
  id: string;
  clientId: string;
  scopes: string[];
  grantedAt: string;
}

export function toUserConsentResponse(consent: Consent): UserConsentResponse {
  return { id: consent.id, clientId: consent.clientId, scopes: consent.scopes, grantedAt: consent.grantedAt.toISOString() };
}
