import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import type { TokensRevoked } from '#sync';

/**
 * The tokens.revoked event for "every token of this client issued before now". Access tokens carry
 * `iat` in whole seconds, so a resource server can only compare seconds: it refuses tokens from
 * strictly earlier seconds, and the grants issued within the cut-off's own second are named one
 * by one here. Tokens issued later in that second stay valid, as they are at the auth server.
 */
export async function clientCutoffRevocation(tx: Tx, clientRef: string, clientId: string, revokedBefore: Date): Promise<TokensRevoked> {
  const rows: { ids: string[] | null; never: boolean | null; latest: Date | null }[] = await entityManagerOf(tx).query(
    `SELECT array_agg(id::text ORDER BY id) AS ids, bool_or(access_expires_at IS NULL) AS never, max(access_expires_at) AS latest
       FROM grants
      WHERE client_ref = $1 AND revoked_at IS NOT NULL AND issued_at >= date_trunc('second', $2::timestamptz)`,
    [clientRef, revokedBefore.toISOString()],
  );
  const sameSecond = rows[0]?.ids ?? [];
  const expiresAt = rows[0]?.never ? null : (rows[0]?.latest ? new Date(rows[0].latest).toISOString() : null);
  return { clientId, revokedBefore: revokedBefore.toISOString(), ...(sameSecond.length ? { grantIds: sameSecond, expiresAt } : {}) };
}
