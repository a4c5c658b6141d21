import type { Page } from '../../common/pagination.js';
import type { GrantRecord } from '../grant.js';

/** The wire shape of a grant in the admin API: never a token value or hash. */
export interface TokenResponseItem {
  id: string;
  clientId: string;
  username: string | null;
  grant: string;
  scopes: string[];
  issuedAt: string;
  expiresAt: string | null;
  refresh: null | { remaining: number | 'unlimited' };
}

export function toTokenResponseItem(grant: GrantRecord): TokenResponseItem {
  return {
    id: grant.id,
    clientId: grant.clientId,
    username: grant.username,
    grant: grant.grantType,
    scopes: grant.scopes,
    issuedAt: grant.issuedAt.toISOString(),
    expiresAt: grant.accessExpiresAt?.toISOString() ?? null,
    refresh: !grant.hasRefreshToken ? null : { remaining: grant.refreshUnlimited ? 'unlimited' : (grant.refreshRemaining ?? 0) },
  };
}

export function toTokenPage(page: Page<GrantRecord>): Page<TokenResponseItem> {
  return { items: page.items.map(toTokenResponseItem), nextCursor: page.nextCursor };
}
