import { describe, expect, it } from '@jest/globals';
import type { AssociatedScope } from './associated-scope.js';
import type { Client } from './client.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientCache } from './client-cache.js';
import type { ClientSecretBox } from './client-secret-box.js';
import type { ClientsRepository, ClientWithSecrets } from './clients.repository.js';
import type { RegistryChangeMarker } from './registry-change-marker.js';

const client = { id: 'row-1', clientId: 'app' } as Client;

/** An authenticator over a real ClientCache, its repository answering from memory (a fresh list per load, as the database does). */
function authenticatorWith(scopes: () => AssociatedScope[]): { authenticator: ClientAuthenticator; cache: ClientCache; loads: () => number } {
  let loads = 0;
  const repository = {
    findByClientId: async () => ({ client }) as ClientWithSecrets,
    associatedScopesOf: async () => {
      loads += 1;
      return scopes().map((scope) => ({ ...scope }));
    },
  } as unknown as ClientsRepository;
  const marker = { fresh: true, onChange: () => undefined, poll: async () => undefined } as unknown as RegistryChangeMarker;
  const cache = new ClientCache(marker);
  return { authenticator: new ClientAuthenticator(repository, cache, {} as ClientSecretBox), cache, loads: () => loads };
}

describe('ClientAuthenticator.scopesOf', () => {
  it('answers with one list of names while the client and its scopes are cached', async () => {
    const { authenticator, loads } = authenticatorWith(() => [{ name: 'read', requiredPermission: null } as AssociatedScope]);
    await authenticator.find('app');
    const first = await authenticator.scopesOf(client);
    expect(first).toEqual(['read']);
    expect(await authenticator.scopesOf(client)).toBe(first);
    expect(loads()).toBe(1);
  });

  it('answers with the new names once the cache is emptied by a registry change', async () => {
    let names = ['read'];
    const { authenticator, cache } = authenticatorWith(() => names.map((name) => ({ name, requiredPermission: null }) as AssociatedScope));
    await authenticator.find('app');
    expect(await authenticator.scopesOf(client)).toEqual(['read']);
    names = ['read', 'write'];
    cache.invalidateAll();
    await authenticator.find('app');
    expect(await authenticator.scopesOf(client)).toEqual(['read', 'write']);
  });
});
