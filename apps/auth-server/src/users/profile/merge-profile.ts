import type { Address, AddressChanges, ProfileChanges, UserProfile } from './user-profile.js';
import { ADDRESS_FIELDS } from './user-profile.js';

/** A changed email or phone number is not verified unless the same change says so. */
const VERIFIED_WITH = { email: 'email_verified', phone_number: 'phone_number_verified' } as const;

/**
 * The profile after `changes` (a merge: claims left out stay, null removes one; the address is
 * replaced as a whole), with `updated_at` set to `nowSeconds` when anything changed. Returns the
 * current profile itself when nothing did, so that a no-op PATCH leaves updated_at alone.
 */
export function mergeProfile(current: UserProfile, changes: ProfileChanges, nowSeconds: number): UserProfile {
  const before: Record<string, unknown> = { ...current };
  delete before.updated_at;
  const next: Record<string, unknown> = { ...before };
  for (const [claim, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const cleaned = claim === 'address' && value !== null ? cleanAddress(value as AddressChanges) : value;
    if (cleaned === null) delete next[claim];
    else next[claim] = cleaned;
  }
  for (const [claim, verifiedClaim] of Object.entries(VERIFIED_WITH)) {
    const changed = changes[claim as keyof typeof VERIFIED_WITH] !== undefined && next[claim] !== current[claim as keyof UserProfile];
    if (changed && changes[verifiedClaim] === undefined) {
      if (next[claim] === undefined) delete next[verifiedClaim];
      else next[verifiedClaim] = false;
    }
  }
  if (sameClaims(next, before)) return current;
  return { ...(next as UserProfile), updated_at: nowSeconds };
}

/** An address without any part is no address. */
function cleanAddress(address: AddressChanges): Address | null {
  const parts = Object.fromEntries(
    ADDRESS_FIELDS.filter((field) => address[field] !== undefined && address[field] !== null).map((field) => [field, address[field]]),
  );
  return Object.keys(parts).length === 0 ? null : parts;
}

function sameClaims(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
  );
}
