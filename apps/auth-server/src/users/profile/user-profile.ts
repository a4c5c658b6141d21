/**
 * The OpenID Connect standard claims a user may carry (OpenID Connect Core 1.0 §5.1), under their
 * claim names: what userinfo answers, so the admin API, the storage and the response speak one
 * vocabulary. `updated_at` (epoch seconds) belongs to the server: set whenever the profile changes.
 */
export interface Address {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

export interface UserProfile {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: Address;
  updated_at?: number;
}

/** An address as written: a null part is the same as a missing one. */
export type AddressChanges = { [K in keyof Address]?: Address[K] | null };

/** What an admin may write: every claim but updated_at; null removes a claim (PATCH). */
export type ProfileChanges = { [K in Exclude<keyof UserProfile, 'updated_at' | 'address'>]?: UserProfile[K] | null } & { address?: AddressChanges | null };

export const ADDRESS_FIELDS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const satisfies readonly (keyof Address)[];
