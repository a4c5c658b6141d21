import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NamedStatements } from '../database/prepared-statement-executor.js';
import type { AuthorizationCode, CodeOwner, NewAuthorizationCode } from './authorization-code.js';

interface AuthorizationCodeRow {
  code_hash: string;
  client_ref: string;
  user_id: string;
  redirect_uri: string;
  redirect_uri_sent: boolean;
  scopes: string[];
  code_challenge: string | null;
  nonce: string | null;
  auth_time: Date | null;
  resources: string[] | null;
  dpop_jkt: string | null;
  expires_at: Date;
  consumed_at: Date | null;
}

interface CodeWithOwnerRow extends AuthorizationCodeRow {
  owner_username: string | null;
  owner_active: boolean | null;
  owner_permissions: string[] | null;
}

/**
 * The code and the state of the user who consented, in one round trip: the exchange needs both
 * (a user disabled since the consent gets no tokens, AC-11; a permission withdrawn, no privileged scope), and it is the hottest read of the
 * code flow, so it is a named prepared statement straight on the driver's pool.
 */
const CODE_WITH_OWNER = {
  name: 'portcullis_code_with_owner',
  text: `SELECT c.*, u.username AS owner_username, u.active AS owner_active, u.permissions AS owner_permissions
    FROM authorization_codes c LEFT JOIN users u ON u.id = c.user_id
    WHERE c.code_hash = $1`,
};

@Injectable()
export class AuthorizationCodesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly statements: NamedStatements,
  ) {}

  async insert(code: NewAuthorizationCode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO authorization_codes (code_hash, client_ref, user_id, redirect_uri, redirect_uri_sent, scopes, code_challenge, expires_at, nonce, auth_time, resources, dpop_jkt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        code.codeHash,
        code.clientRef,
        code.userId,
        code.redirectUri,
        code.redirectUriSent,
        JSON.stringify(code.scopes),
        code.codeChallenge,
        code.expiresAt,
        code.nonce,
        code.authTime,
        JSON.stringify(code.resources),
        code.dpopJkt,
      ],
    );
  }

  /**
   * Marks the client's code used and returns it, in one statement: of any number of concurrent
   * redemptions exactly one gets the row (SECURITY-CHECKLIST AC-3). Null when the code is unknown,
   * another client's, or already consumed.
   */
  async consume(codeHash: string, clientRef: string): Promise<AuthorizationCode | null> {
    const result: unknown = await this.dataSource.query(
      `UPDATE authorization_codes SET consumed_at = now()
       WHERE code_hash = $1 AND client_ref = $2 AND consumed_at IS NULL
       RETURNING *`,
      [codeHash, clientRef],
    );
    const rows = updatedRows(result);
    return rows.length > 0 ? toAuthorizationCode(rows[0]) : null;
  }

  /** The code with its owner (null when the user is gone), or null when there is no such code. */
  async findWithOwner(codeHash: string): Promise<{ code: AuthorizationCode; owner: CodeOwner | null } | null> {
    const [row] = (await this.statements.execute(CODE_WITH_OWNER, [codeHash])) as CodeWithOwnerRow[];
    if (!row) return null;
    const owner =
      row.owner_username === null
        ? null
        : { id: row.user_id, username: row.owner_username, active: row.owner_active === true, permissions: row.owner_permissions ?? [] };
    return { code: toAuthorizationCode(row), owner };
  }
}

/** TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, affectedCount]. */
function updatedRows(result: unknown): AuthorizationCodeRow[] {
  if (Array.isArray(result) && Array.isArray(result[0])) return result[0] as AuthorizationCodeRow[];
  return Array.isArray(result) ? (result as AuthorizationCodeRow[]) : [];
}

function toAuthorizationCode(row: AuthorizationCodeRow): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    clientRef: row.client_ref,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    redirectUriSent: row.redirect_uri_sent,
    scopes: row.scopes,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    authTime: row.auth_time && new Date(row.auth_time),
    resources: row.resources ?? [],
    dpopJkt: row.dpop_jkt,
    expiresAt: new Date(row.expires_at),
    consumedAt: row.consumed_at ? new Date(row.consumed_at) : null,
  };
}
