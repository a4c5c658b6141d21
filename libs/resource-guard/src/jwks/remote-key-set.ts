import { createRemoteJWKSet, customFetch } from 'jose';

/**
 * An unknown kid triggers one refetch, then nothing for 5 s (SECURITY-CHECKLIST RS-12). The
 * cooldown must stay below the auth server's key activation delay (10 s by default): a fetch just
 * before a rotation would otherwise refuse the new key's tokens until it expired.
 */
const JWKS_COOLDOWN_MS = 5000;
const JWKS_TIMEOUT_MS = 5000;

export type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * The JWKS endpoint answered, but not with a key set (not a 200, not JSON): the keys are missing,
 * not a token wrong (SECURITY-CHECKLIST F-15). Thrown from the fetch, so it reaches the verifiers
 * as it is: not a JOSEError, which they could take for the token's fault.
 */
export class JwksUnavailable extends Error {
  override readonly name = 'JwksUnavailable';
}

/** jose's remote JWKS with the cooldown above; `onFetch` is told of every request (a metric), through jose's fetch hook. */
export function remoteKeySet(url: string, onFetch?: () => void): RemoteKeySet {
  return createRemoteJWKSet(new URL(url), {
    cooldownDuration: JWKS_COOLDOWN_MS,
    timeoutDuration: JWKS_TIMEOUT_MS,
    [customFetch]: async (input, options) => {
      onFetch?.();
      return keySetAnswer(await fetch(input, options));
    },
  });
}

/** The answer, its body read once to check that it is JSON (a fetch is rare: at start, on a new kid, after the cooldown). */
async function keySetAnswer(response: Response): Promise<Response> {
  if (response.status !== 200) throw new JwksUnavailable(`the JWKS endpoint answered ${response.status}`);
  const body = await response.text();
  try {
    JSON.parse(body);
  } catch {
    throw new JwksUnavailable('the JWKS endpoint answered something that is not JSON');
  }
  return new Response(body, { status: 200, headers: response.headers });
}
