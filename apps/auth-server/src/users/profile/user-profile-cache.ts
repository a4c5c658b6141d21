import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users.repository.js';
import type { UserProfile } from './user-profile.js';

/** How long another instance may answer a profile it read before an admin changed it. */
export const PROFILE_CACHE_MS = 1000;
const MAX_ENTRIES = 100_000;

interface Entry {
  profile: Promise<UserProfile | null>;
  until: number;
}

/**
 * Profiles as userinfo answers them, kept for at most PROFILE_CACHE_MS so that a relying party
 * polling userinfo costs no query per request. A change made through this instance is seen at once
 * (forget, called after the commit); one made through another instance within PROFILE_CACHE_MS
 * (profile changes are no outbox event: the resource servers have no use for them). Whether the
 * user may still be answered at all is not this cache's business: the token's grant says so
 * (deactivation and deletion revoke it, and the grant check sees that at once).
 */
@Injectable()
export class UserProfileCache {
  private entries = new Map<string, Entry>();
  private generation = 0;

  constructor(private readonly users: UsersRepository) {}

  /** The profile of an existing, active user; null otherwise (not kept). */
  get(userId: string): Promise<UserProfile | null> {
    const now = Date.now();
    const hit = this.entries.get(userId);
    if (hit && hit.until > now) return hit.profile;
    const generation = this.generation;
    const profile = this.users.findById(userId).then((user) => (user?.active ? user.profile : null));
    // Entries go in in lifetime order: the expired ones leave from the front, so the map holds the
    // last second's profiles instead of filling to its bound with users who called once.
    for (const [oldestId, oldest] of this.entries) {
      if (oldest.until > now) break;
      this.entries.delete(oldestId);
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries = new Map();
    // Re-inserted at the young end (a Map keeps a key's first position), which keeps the order.
    this.entries.delete(userId);
    this.entries.set(userId, { profile, until: now + PROFILE_CACHE_MS });
    // Only a found profile stays, and only if no change was made meanwhile (forget ran after the read began).
    const drop = () => this.entries.get(userId)?.profile === profile && this.entries.delete(userId);
    profile.then((found) => (found === null || generation !== this.generation) && drop(), drop);
    return profile;
  }

  /** Profiles held (spec). */
  get size(): number {
    return this.entries.size;
  }

  /** After a committed change to the user: the next request reads it. */
  forget(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
  }
}
