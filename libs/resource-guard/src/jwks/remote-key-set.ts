import { createRemoteJWKSet, customFetch } from 'jose';

/**
 * An unknown kid triggers one refetch, then nothing for 5 s (SECURITY-CHECKLIST RS-12). The
 * cooldown must stay below the auth server's key activation delay (10 s by default): a fetch just
 * before a rotation would otherwise refuse the new key's tokens until it expired.
 */
const JWKS_COOLDOWN_MS = 5000;
const JWKS_TIMEOUT_MS = 5000;

export type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/** jose's remote JWKS with the cooldown above; `onFetch` is told of every request (a metric), through jose's fetch hook. */
export function remoteKeySet(url: string, onFetch?: () => void): RemoteKeySet {
  return createRemoteJWKSet(new URL(url), {
    cooldownDuration: JWKS_COOLDOWN_MS,
    timeoutDuration: JWKS_TIMEOUT_MS,
    [customFetch]: (input, options) => {
      onFetch?.();
      return fetch(input, options);
    },
  });
}
