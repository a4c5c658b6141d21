import { Injectable } from '@nestjs/common';
import type { AssociatedScope } from './associated-scope.js';
import type { Client } from './client.js';
import { ClientCache } from './client-cache.js';
import { ClientSecretBox } from './client-secret-box.js';
import { clientSecretMatches, VerifiedSecretMemo } from './client-secret.js';
import { ClientsRepository, type ClientWithSecrets } from './clients.repository.js';

/**
 * Looks clients up for the OAuth endpoints and checks their secrets (the current one, or the
 * previous one while its overlap window lasts). Inactive clients are returned: callers decide.
 * Lookups go through ClientCache (no DB round trip on a hit; see there for invalidation).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly repository: ClientsRepository,
    private readonly cache: ClientCache,
    private readonly box: ClientSecretBox,
  ) {}

  private readonly verified = new VerifiedSecretMemo<ClientWithSecrets>();
  /** client_secret_jwt: the opened secrets beside their cache entry, as the memo above (no AES per request). */
  private readonly opened = new WeakMap<ClientWithSecrets, { current: string | null; previous: string | null }>();
  /** scopesOf's names beside the cached scope list they were read from. */
  private readonly scopeNames = new WeakMap<readonly AssociatedScope[], readonly string[]>();

  async find(clientId: string): Promise<Client | null> {
    return (await this.stored(clientId))?.client ?? null;
  }

  /** The client when the secret matches, null otherwise (unknown client or wrong secret alike). */
  async authenticate(clientId: string, secret: string, now = new Date()): Promise<Client | null> {
    const stored = await this.stored(clientId);
    if (!stored) {
      clientSecretMatches(secret, 'A'.repeat(43)); // same work for unknown ids (SECURITY-CHECKLIST TC-2)
      return null;
    }
    if (this.verified.has(stored, secret)) return stored.client;
    const current = clientSecretMatches(secret, stored.secretHash);
    if (current) this.verified.remember(stored, secret);
    const previous = stored.previousSecretExpiresAt !== null && stored.previousSecretExpiresAt > now && clientSecretMatches(secret, stored.previousSecretHash);
    return current || previous ? stored.client : null;
  }

  /**
   * client_secret_jwt: the secrets an assertion's HMAC may be keyed with, current first, the
   * previous one while its overlap lasts; empty when none can be opened (no key on this server).
   */
  async assertionSecretsOf(clientId: string, now = new Date()): Promise<string[]> {
    const stored = await this.stored(clientId);
    if (!stored) return [];
    let secrets = this.opened.get(stored);
    if (!secrets) {
      secrets = { current: this.box.open(stored.secretSealed, clientId), previous: this.box.open(stored.previousSecretSealed, clientId) };
      this.opened.set(stored, secrets);
    }
    const previousValid = stored.previousSecretExpiresAt !== null && stored.previousSecretExpiresAt > now;
    return [secrets.current, previousValid ? secrets.previous : null].filter((secret): secret is string => secret !== null);
  }

  /** The names of the client's associated scopes: one list per cached list, as every token request asks. */
  async scopesOf(client: Client): Promise<readonly string[]> {
    const associated = await this.associatedScopesOf(client);
    let names = this.scopeNames.get(associated);
    if (names === undefined) this.scopeNames.set(associated, (names = associated.map((scope) => scope.name)));
    return names;
  }

  /** The client's scopes with the user permission each requires (privileged scopes). */
  associatedScopesOf(client: Client): Promise<readonly AssociatedScope[]> {
    return this.cache.scopes(client.clientId, client.id, () => this.repository.associatedScopesOf(client.id));
  }

  private stored(clientId: string): Promise<ClientWithSecrets | null> {
    return this.cache.client(clientId, () => this.repository.findByClientId(clientId));
  }
}
