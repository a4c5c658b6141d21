import type { ResponseType } from '../authorize-request.js';
import type { Prompt } from '../checks/resolve-interaction.js';

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
  /** OpenID Connect: the request's nonce, for the id token. */
  nonce: string | null;
  /** RFC 8707 resources asked for; the code remembers them. */
  resources: string[];
  /** RFC 9449 §10: the DPoP key the code will be bound to; null: unbound. */
  dpopJkt: string | null;
  /** OIDC prompt values; "consent" shows the consent page even when a consent is remembered. */
  prompt: Prompt[];
  /** When the user typed their password (their browser session's), the id token's auth_time: set with userId. */
  authTime: Date | null;
  expiresAt: Date;
}
