import { requestIdHeaders } from '#observability/request-context';
import type { RegistrySnapshot } from './events.js';

export interface SnapshotSource {
  /** The auth server's issuer URL (no trailing slash). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

/** RFC 6749 §2.3.1: each half is form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * Loads the full registry from GET {issuer}/internal/v1/sync/snapshot, authenticating as the
 * resource server's confidential client. Throws on any non-200 answer.
 */
export async function fetchRegistrySnapshot(source: SnapshotSource): Promise<RegistrySnapshot> {
  const credentials = Buffer.from(`${formEncode(source.clientId)}:${formEncode(source.clientSecret)}`).toString('base64');
  const response = await fetch(`${source.issuer}/internal/v1/sync/snapshot`, {
    headers: { authorization: `Basic ${credentials}`, accept: 'application/json', ...requestIdHeaders() },
    signal: AbortSignal.timeout(source.timeoutMs ?? 5000),
  });
  if (response.status !== 200) throw new Error(`registry snapshot request failed with HTTP ${response.status}`);
  return (await response.json()) as RegistrySnapshot;
}
