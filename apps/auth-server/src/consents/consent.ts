/** A user's remembered "Allow" for a client: the scopes granted so far (CONTRACT.md, OIDC). */
export interface Consent {
  id: string;
  userId: string;
  clientRef: string;
  clientId: string;
  scopes: string[];
  grantedAt: Date;
}
