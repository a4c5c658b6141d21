import { Injectable } from '@nestjs/common';
import type { Client } from './client.js';
import { clientSecretMatches } from './client-secret.js';
import { ClientsRepository } from './clients.repository.js';

/**
 * Looks clients up for the OAuth endpoints and checks their secrets (the current one, or the
 * previous one while its overlap window lasts). Inactive clients are returned: callers decide.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly repository: ClientsRepository) {}

  async find(clientId: string): Promise<Client | null> {
    return (await this.repository.findByClientId(clientId))?.client ?? null;
  }

  /** The client when the secret matches, null otherwise (unknown client or wrong secret alike). */
  async authenticate(clientId: string, secret: string, now = new Date()): Promise<Client | null> {
    const stored = await this.repository.findByClientId(clientId);
    if (!stored) {
      clientSecretMatches(secret, 'A'.repeat(43)); // same work for unknown ids (SECURITY-CHECKLIST TC-2)
      return null;
    }
    const current = clientSecretMatches(secret, stored.secretHash);
    const previous = stored.previousSecretExpiresAt !== null && stored.previousSecretExpiresAt > now && clientSecretMatches(secret, stored.previousSecretHash);
    return current || previous ? stored.client : null;
  }

  scopesOf(client: Client): Promise<string[]> {
    return this.repository.scopeNamesOf(client.id);
  }
}
