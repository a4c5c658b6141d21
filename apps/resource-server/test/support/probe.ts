import type { RunningResourceServer } from './resource-server-harness.js';

/** GET /api/me at a resource server: the status and the WWW-Authenticate challenge. */
export async function probe(rs: RunningResourceServer, token: string): Promise<{ status: number; challenge: string | null }> {
  const response = await rs.request('/api/me', { token });
  await response.arrayBuffer();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
}

/** The refusal CONTRACT "Resource server" prescribes for a revoked token or a refused client. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token"/;
