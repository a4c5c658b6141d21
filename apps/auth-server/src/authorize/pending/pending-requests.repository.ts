import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ResponseType } from '../authorize-request.js';
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
  expires_at: Date;
}

@Injectable()
export class PendingRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(request: PendingRequest): Promise<void> {
    // Housekeeping on the way: abandoned requests are useless once expired.
    await this.dataSource.query('DELETE FROM authorization_requests WHERE expires_at < now()');
    await this.dataSource.query(
      `INSERT INTO authorization_requests
         (handle_hash, csrf_token, client_ref, client_id, user_id, response_type, redirect_uri, redirect_uri_sent, scopes, scope_requested, state, code_challenge, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
      ],
    );
  }

  /** The request when it exists and has not expired. */
  async findLive(handleHash: string): Promise<PendingRequest | null> {
    const rows: PendingRequestRow[] = await this.dataSource.query('SELECT * FROM authorization_requests WHERE handle_hash = $1 AND expires_at > now()', [handleHash]);
    return rows.length > 0 ? toPendingRequest(rows[0]) : null;
  }

  /** Records the logged-in user and moves the request to a fresh handle (no session fixation). */
  async attachUser(handleHash: string, newHandleHash: string, userId: string): Promise<void> {
    await this.dataSource.query('UPDATE authorization_requests SET handle_hash = $2, user_id = $3 WHERE handle_hash = $1', [handleHash, newHandleHash, userId]);
  }

  /** Deletes the request and reports whether this caller did: a consent is acted on only once. */
  async take(handleHash: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query('DELETE FROM authorization_requests WHERE handle_hash = $1 AND expires_at > now() RETURNING handle_hash', [handleHash]);
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
    return rows.length > 0;
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
    expiresAt: new Date(row.expires_at),
  };
}
