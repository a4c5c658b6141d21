import type { ResponseType } from '../authorize-request.js';

/** An authorization request between the authorize GET and the consent POST (server-side state). */
export interface PendingRequest {
  handleHash: string;
  csrfToken: string;
  clientRef: string;
  clientId: string;
  /** Set once the user has logged in. */
  userId: string | null;
  responseType: ResponseType;
  redirectUri: string;
  redirectUriSent: boolean;
  scopes: string[];
  /** Whether `scope` was sent: a privileged scope asked for is refused, one implied is left out. */
  scopeRequested: boolean;
  state: string | null;
  codeChallenge: string | null;
  expiresAt: Date;
}
