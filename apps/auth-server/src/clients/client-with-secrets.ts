import type { Client } from './client.js';

/** A client with what is needed to authenticate it; never leaves the clients module's services. */
export interface ClientWithSecrets {
  client: Client;
  secretHash: string | null;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
  /** client_secret_jwt only: the current and previous secrets sealed by ClientSecretBox. */
  secretSealed: string | null;
  previousSecretSealed: string | null;
}
