import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { isUuid } from '../common/uuid.js';
import type { GrantRecord, GrantWithState, NewGrant } from './grant.js';
import { GRANT_EXCHANGED, GRANT_REDEEMING_CODE, GRANT_REDEEMING_DEVICE_CODE, GrantInsertBatcher, grantParameters } from './grant-insert-batcher.js';
import { ClientNoLongerActive, ParentGrantRevoked, UserNoLongerActive } from './token-issuance.js';
import { NamedStatements } from '../database/prepared-statement-executor.js';

export interface GrantRow {
  id: string;
  client_ref: string;
  client_id: string;
  user_id: string | null;
  username: string | null;
  grant_type: string;
  scopes: string[];
  issued_at: Date;
  access_expires_at: Date | null;
  refresh_token_hash: string | null;
  refresh_remaining: number | null;
  refresh_unlimited: boolean;
  revoked_at: Date | null;
  auth_time: Date | null;
  resources?: string[] | null;
  refresh_jkt?: string | null;
  client_active?: boolean;
  user_active?: boolean | null;
  user_permissions?: string[] | null;
}

/** Joins the client and user so one query answers "is this grant still good?" (bench/explain.js plans it too). */
export const WITH_STATE = `SELECT g.*, c.active AS client_active,
    CASE WHEN g.user_id IS NULL THEN NULL ELSE coalesce(u.active, false) END AS user_active, u.permissions AS user_permissions
  FROM grants g JOIN clients c ON c.id = g.client_ref LEFT JOIN users u ON u.id = g.user_id`;

/** What a grant statement guarded by its client, its user (and its code or parent) answers: one row. */
type GuardedInsert = { client_active: boolean; user_active: boolean; id: string | null };

export interface RefreshSpend {
  hash: string;
  clientRef: string;
  nextHash: string;
  accessExpiresAt: Date | null;
}

@Injectable()
export class GrantsRepository {
  private readonly batcher: GrantInsertBatcher;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
    private readonly statements: NamedStatements,
  ) {
    this.batcher = new GrantInsertBatcher(statements.execute, config.embeddedDatabase ? 1 : 4);
  }

  /**
   * Resolves once the row is committed; ClientNoLongerActive (UserNoLongerActive) when the client
   * (the user) was deactivated or deleted before it could be. Concurrent issuances share multi-row INSERTs
   * (GrantInsertBatcher); one statement at a time on the embedded PGlite, whose socket
   * multiplexer mixes up concurrent extended-protocol queries.
   */
  insert(grant: NewGrant): Promise<void> {
    return this.batcher.insert(grant);
  }

  /**
   * Stores the grant and spends its authorization code atomically; false when the code was already
   * spent. ClientNoLongerActive (UserNoLongerActive) when the client (the user) was deactivated or
   * deleted meanwhile (the code is kept).
   */
  async insertRedeemingCode(grant: NewGrant): Promise<boolean> {
    // Named: the CTE is parsed and planned once per connection, not once per exchange.
    const [outcome] = (await this.statements.execute(GRANT_REDEEMING_CODE, grantParameters(grant))) as GuardedInsert[];
    if (!outcome?.client_active) throw new ClientNoLongerActive();
    if (!outcome.user_active) throw new UserNoLongerActive();
    return outcome.id !== null;
  }

  /** As insertRedeemingCode, for an approved device code (its device request's id): false when it was spent meanwhile. */
  async insertRedeemingDeviceCode(grant: NewGrant, deviceRequestId: string): Promise<boolean> {
    const [outcome] = (await this.statements.execute(GRANT_REDEEMING_DEVICE_CODE, [...grantParameters(grant), deviceRequestId])) as GuardedInsert[];
    if (!outcome?.client_active) throw new ClientNoLongerActive();
    if (!outcome.user_active) throw new UserNoLongerActive();
    return outcome.id !== null;
  }

  /**
   * Stores a grant made by a token exchange under the grant of its subject token, only while that
   * one is not revoked (ParentGrantRevoked otherwise), and while the client and user are active.
   */
  async insertExchanged(grant: NewGrant, parentGrantId: string): Promise<void> {
    const [outcome] = (await this.statements.execute(GRANT_EXCHANGED, [...grantParameters(grant), parentGrantId])) as GuardedInsert[];
    if (!outcome?.client_active) throw new ClientNoLongerActive();
    if (!outcome.user_active) throw new UserNoLongerActive();
    if (outcome.id === null) throw new ParentGrantRevoked();
  }

  async findWithState(grantId: string): Promise<GrantWithState | null> {
    if (!isUuid(grantId)) return null;
    const rows = await this.dataSource.query<GrantRow[]>(`${WITH_STATE} WHERE g.id = $1`, [grantId]);
    return rows[0] ? toGrantWithState(rows[0]) : null;
  }

  async findByRefreshHash(hash: string): Promise<GrantWithState | null> {
    const rows = await this.dataSource.query<GrantRow[]>(`${WITH_STATE} WHERE g.refresh_token_hash = $1`, [hash]);
    return rows[0] ? toGrantWithState(rows[0]) : null;
  }

  /** The grant a rotated-out refresh token belonged to (reuse detection, RFC 9700 §4.14.2). */
  async findGrantIdOfUsedRefresh(hash: string): Promise<{ grantId: string; clientRef: string } | null> {
    const rows = await this.dataSource.query<{ grant_id: string; client_ref: string }[]>(
      'SELECT u.grant_id, g.client_ref FROM used_refresh_tokens u JOIN grants g ON g.id = u.grant_id WHERE u.token_hash = $1',
      [hash],
    );
    return rows[0] ? { grantId: rows[0].grant_id, clientRef: rows[0].client_ref } : null;
  }

  /**
   * Spends one refresh and rotates the token in one statement: exactly one of N concurrent callers
   * matches the row. The old hash goes to used_refresh_tokens; the new one is kept only while the
   * count is not spent (null means no new refresh token).
   */
  async spendRefresh(spend: RefreshSpend): Promise<{ grantId: string; newHashKept: boolean } | null> {
    const rows = await this.dataSource.query<{ id: string; refresh_token_hash: string | null }[]>(
      SPEND_REFRESH_SQL,
      [spend.hash, spend.clientRef, spend.nextHash, spend.accessExpiresAt],
    );
    return rows[0] ? { grantId: rows[0].id, newHashKept: rows[0].refresh_token_hash !== null } : null;
  }
}

/**
 * Spends a refresh token ($1) of client $2, stores the next one's hash ($3). The refresh token's
 * unique index must find the row: `client_ref IS NOT DISTINCT FROM $2` means `client_ref = $2`
 * (never null) but cannot use an index, so the planner cannot pick grants_client_page_idx
 * instead. It did, with statistics taken while the table was small: every spend then walked all
 * of the client's grants (32,000 rows, 30 ms each; refreshes at 60/s instead of 525/s on a freshly
 * filled table, docs/performance.md). refresh-spend-plan.e2e-spec.ts holds the plan to it.
 */
export const SPEND_REFRESH_SQL = `WITH spent AS (
   UPDATE grants SET
     refresh_remaining = CASE WHEN refresh_unlimited THEN refresh_remaining ELSE refresh_remaining - 1 END,
     refresh_token_hash = CASE WHEN refresh_unlimited OR refresh_remaining > 1 THEN $3 ELSE NULL END,
     refresh_generation = refresh_generation + 1,
     access_generation = access_generation + 1,
     access_expires_at = $4
   WHERE refresh_token_hash = $1 AND client_ref IS NOT DISTINCT FROM $2 AND revoked_at IS NULL AND (refresh_unlimited OR refresh_remaining > 0)
   RETURNING id, refresh_token_hash),
 used AS (INSERT INTO used_refresh_tokens (token_hash, grant_id) SELECT $1, id FROM spent)
 SELECT * FROM spent`;

export function toGrantRecord(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    clientRef: row.client_ref,
    clientId: row.client_id,
    userId: row.user_id,
    username: row.username,
    grantType: row.grant_type,
    scopes: row.scopes,
    issuedAt: new Date(row.issued_at),
    accessExpiresAt: row.access_expires_at && new Date(row.access_expires_at),
    refreshRemaining: row.refresh_remaining,
    refreshUnlimited: row.refresh_unlimited,
    hasRefreshToken: row.refresh_token_hash !== null,
    revokedAt: row.revoked_at && new Date(row.revoked_at),
    authTime: row.auth_time && new Date(row.auth_time),
    resources: row.resources ?? [],
    refreshJkt: row.refresh_jkt ?? null,
  };
}

function toGrantWithState(row: GrantRow): GrantWithState {
  return { ...toGrantRecord(row), clientActive: row.client_active === true, userActive: row.user_active ?? null, userPermissions: row.user_permissions ?? [] };
}
