import type { UserProfile } from './user-profile.js';

/** OpenID Connect Core 1.0 §5.4: the claims each standard scope asks for. */
export const SCOPE_CLAIMS: ReadonlyMap<string, readonly (keyof UserProfile)[]> = new Map(
  Object.entries<readonly (keyof UserProfile)[]>({
    profile: [
      'name',
      'family_name',
      'given_name',
      'middle_name',
      'nickname',
      'preferred_username',
      'profile',
      'picture',
      'website',
      'gender',
      'birthdate',
      'zoneinfo',
      'locale',
      'updated_at',
    ],
    email: ['email', 'email_verified'],
    phone: ['phone_number', 'phone_number_verified'],
    address: ['address'],
  }),
);

/** Every claim userinfo may answer besides `sub` (Discovery §3 claims_supported). */
export const USERINFO_CLAIMS: readonly string[] = [...new Set([...SCOPE_CLAIMS.values()].flat())];

/** The claims of `profile` that `scopes` grant, only those with a value (§5.3.2: absent, never null). */
export function claimsForScopes(profile: UserProfile, scopes: readonly string[]): Partial<UserProfile> {
  const claims: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS.get(scope) ?? []) {
      if (profile[claim] !== undefined) claims[claim] = profile[claim];
    }
  }
  return claims as Partial<UserProfile>;
}
