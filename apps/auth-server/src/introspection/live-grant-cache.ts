import { Injectable } from '@nestjs/common';
import { RegistryChangeMarker } from '../clients/registry-change-marker.js';
import type { GrantWithState } from '../tokens/grant.js';

const MAX_ENTRIES = 100_000;

/**
 * Live grants seen by introspection and userinfo, so that checking a token again costs no DB round
 * trip. A grant's liveness depends on its revoked_at, its client's active flag and its user's, and
 * every change that ends it appends an outbox event: a revocation, a client's deactivation, and a
 * user's deactivation or deletion (both revoke the user's grants in the same transaction,
 * UsersAdminService). So RegistryChangeMarker (local commits at once, other instances within
 * ~250 ms) empties this cache whenever it could be wrong. Inactive results are never cached; a
 * stale marker poll bypasses the cache. The user's permissions in a cached grant may lag (a
 * permission change is no event): nothing that reads this cache uses them.
 */
@Injectable()
export class LiveGrantCache {
  private entries = new Map<string, GrantWithState>();
  private generation = 0;

  constructor(private readonly marker: RegistryChangeMarker) {
    marker.onChange(() => {
      this.generation++;
      this.entries = new Map();
    });
  }

  async get(grantId: string, load: () => Promise<GrantWithState | null>, isLive: (grant: GrantWithState) => boolean): Promise<GrantWithState | null> {
    if (!this.marker.fresh) return load();
    const hit = this.entries.get(grantId);
    if (hit) return hit;
    const generation = this.generation;
    const grant = await load();
    if (grant && isLive(grant) && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries = new Map();
      this.entries.set(grantId, grant);
    }
    return grant;
  }
}
