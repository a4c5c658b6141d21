import { Injectable } from '@nestjs/common';
import type { ClientWithSecrets } from './clients.repository.js';
import type { AssociatedScope } from './associated-scope.js';
import { RegistryChangeMarker } from './registry-change-marker.js';

/** Bound on cached clients; beyond it the cache is simply emptied (rare, and only costs misses). */
const MAX_ENTRIES = 50_000;

interface Entry {
  stored: ClientWithSecrets;
  /** Associated scopes with their required permissions, sorted by name; loaded on first use. */
  scopes?: Promise<AssociatedScope[]>;
}

/**
 * Per-instance cache of clients with their secret hashes and associated scopes, so that the token
 * and introspection endpoints authenticate without a DB round trip. Emptied right after every
 * registry change committed by this instance (RegistryTransaction) and when RegistryChangeMarker
 * sees one from another instance; it serves nothing while the marker poll is failing. A load that
 * started before an invalidation is not stored (generation check), so it cannot resurrect stale data.
 * Unknown clients are not cached: a client created elsewhere is found at once.
 */
@Injectable()
export class ClientCache {
  private entries = new Map<string, Entry>();
  private loading = new Map<string, Promise<ClientWithSecrets | null>>();
  private generation = 0;

  constructor(private readonly marker: RegistryChangeMarker) {
    marker.onChange(() => this.invalidateAll());
  }

  invalidateAll(): void {
    this.generation++;
    this.entries = new Map();
    this.loading = new Map();
  }

  /** The cached client, else `load()` once for all concurrent callers. */
  async client(clientId: string, load: () => Promise<ClientWithSecrets | null>): Promise<ClientWithSecrets | null> {
    if (!this.marker.fresh) {
      void this.marker.poll();
      return load();
    }
    const hit = this.entries.get(clientId);
    if (hit) return hit.stored;
    let pending = this.loading.get(clientId);
    if (!pending) {
      const generation = this.generation;
      const loading = this.loading;
      pending = load().then((stored) => {
        if (stored && generation === this.generation) this.store(clientId, { stored });
        return stored;
      });
      pending.finally(() => loading.delete(clientId)).catch(() => undefined);
      loading.set(clientId, pending);
    }
    return pending;
  }

  /** The client's associated scopes, cached with the client when it is cached: the same list (read-only) for every caller while it is. */
  async scopes(clientId: string, clientRef: string, load: () => Promise<AssociatedScope[]>): Promise<readonly AssociatedScope[]> {
    const entry = this.marker.fresh ? this.entries.get(clientId) : undefined;
    if (!entry || entry.stored.client.id !== clientRef) return load();
    if (!entry.scopes) {
      // An invalidation during the load drops the whole entry, so a stale list cannot outlive it.
      const scopes = load();
      entry.scopes = scopes;
      scopes.catch(() => (entry.scopes = undefined));
    }
    return entry.scopes;
  }

  private store(clientId: string, entry: Entry): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries = new Map();
    this.entries.set(clientId, entry);
  }
}
