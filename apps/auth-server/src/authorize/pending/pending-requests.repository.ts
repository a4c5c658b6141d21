import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ResponseType } from '../authorize-request.js';
import type { Prompt } from '../checks/resolve-interaction.js';
import { returnedRows } from '../../database/returned-rows.js';
import type { PendingRequest } from './pending-request.js';

interface PendingRequestRow {
  handle_hash: string;
  csrf_token: string;
  client_ref: string;
  client_id: string;
  user_id: string | null;
  response_type: ResponseType;
  redirect_uri: string;
  redirect_uri_sent: boolean;
  scopes: string[];
  scope_requested: boolean;
  state: string | null;
  code_challenge: string | null;
  nonce: string | null;
  resources: string[] | null;
  dpop_jkt: string | null;
  prompt: Prompt[];
  auth_time: Date | null;
  expires_at: Date;
}

@Injectable()
export class PendingRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the request unless its IP already has `perIpLimit` live ones; true when stored. The
   * count and the insert are one statement on the (client_ip, expires_at) index, so the check
   * costs one index range scan of at most `perIpLimit` entries. Concurrent requests from one IP
   * may each see the last free place (READ COMMITTED): the overshoot is bounded by their number.
   */
  async insertWithinLimit(request: PendingRequest, clientIp: string, perIpLimit: number): Promise<boolean> {
    // Housekeeping on the way: abandoned requests are useless once expired.
    await this.dataSource.query('DELETE FROM authorization_requests WHERE expires_at < now()');
    const result: unknown = await this.dataSource.query(
      `INSERT INTO authorization_requests
         (handle_hash, csrf_token, client_ref, client_id, user_id, response_type, redirect_uri, redirect_uri_sent, scopes, scope_requested, state, code_challenge, expires_at, client_ip, nonce, prompt, auth_time, resources, dpop_jkt)
       SELECT $1::text, $2::text, $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::boolean, $9::jsonb, $10::boolean, $11::text, $12::text, $13::timestamptz, $14::text, $16::text, $17::jsonb, $18::timestamptz, $19::jsonb, $20::text
       WHERE (SELECT count(*) FROM (SELECT 1 FROM authorization_requests WHERE client_ip = $14::text AND expires_at > now() LIMIT $15::int) live) < $15::int
       RETURNING handle_hash`,
      [
        request.handleHash,
        request.csrfToken,
        request.clientRef,
        request.clientId,
        request.userId,
        request.responseType,
        request.redirectUri,
        request.redirectUriSent,
        JSON.stringify(request.scopes),
        request.scopeRequested,
        request.state,
        request.codeChallenge,
        request.expiresAt,
        clientIp,
        perIpLimit,
        request.nonce,
        JSON.stringify(request.prompt),
        request.authTime,
        JSON.stringify(request.resources),
        request.dpopJkt,
      ],
    );
    return returnedRows(result).length > 0;
  }

  /** Seconds until the IP's oldest live request expires and frees a place (at least 1). */
  async secondsUntilPlaceFrees(clientIp: string): Promise<number> {
    const rows: { seconds: number | null }[] = await this.dataSource.query(
      'SELECT extract(epoch FROM (min(expires_at) - now()))::float8 AS seconds FROM authorization_requests WHERE client_ip = $1 AND expires_at > now()',
      [clientIp],
    );
    return Math.max(1, Math.ceil(rows[0]?.seconds ?? 1));
  }

  /** The request when it exists and has not expired. */
  async findLive(handleHash: string): Promise<PendingRequest | null> {
    const rows: PendingRequestRow[] = await this.dataSource.query('SELECT * FROM authorization_requests WHERE handle_hash = $1 AND expires_at > now()', [handleHash]);
    return rows.length > 0 ? toPendingRequest(rows[0]) : null;
  }

  /** Records the logged-in user and moves the request to a fresh handle (no session fixation). */
  async attachUser(handleHash: string, newHandleHash: string, userId: string, authTime: Date): Promise<void> {
    await this.dataSource.query('UPDATE authorization_requests SET handle_hash = $2, user_id = $3, auth_time = $4 WHERE handle_hash = $1', [handleHash, newHandleHash, userId, authTime]);
  }

  /** Deletes the request and reports whether this caller did: a consent is acted on only once. */
  async take(handleHash: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query('DELETE FROM authorization_requests WHERE handle_hash = $1 AND expires_at > now() RETURNING handle_hash', [handleHash]);
    return returnedRows(result).length > 0;
  }
}

function toPendingRequest(row: PendingRequestRow): PendingRequest {
  return {
    handleHash: row.handle_hash,
    csrfToken: row.csrf_token,
    clientRef: row.client_ref,
    clientId: row.client_id,
    userId: row.user_id,
    responseType: row.response_type,
    redirectUri: row.redirect_uri,
    redirectUriSent: row.redirect_uri_sent,
    scopes: row.scopes,
    scopeRequested: row.scope_requested,
    state: row.state,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    resources: row.resources ?? [],
    dpopJkt: row.dpop_jkt,
    prompt: row.prompt,
    authTime: row.auth_time && new Date(row.auth_time),
    expiresAt: new Date(row.expires_at),
  };
}
