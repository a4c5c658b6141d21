import { Injectable } from '@nestjs/common';
import { RegistryChangeMarker } from '../clients/registry-change-marker.js';
import type { GrantWithState } from '../tokens/grant.js';

const MAX_ENTRIES = 100_000;

/**
 * Live client_credentials grants seen by introspection, so that introspecting a token again costs
 * no DB round trip. Only grants without a user: their state depends only on revoked_at and the
 * client's active flag, and every change of those appends an outbox event, so RegistryChangeMarker
 * (local commits at once, other instances within ~250 ms) empties this cache whenever it could be
 * wrong. User grants (user deactivation is not an outbox event) and inactive results are never
 * cached; a stale marker poll bypasses the cache.
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
    if (grant && grant.userId === null && isLive(grant) && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries = new Map();
      this.entries.set(grantId, grant);
    }
    return grant;
  }
}
