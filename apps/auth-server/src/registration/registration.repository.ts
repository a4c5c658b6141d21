import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { returnedRows } from '../database/returned-rows.js';
import type { StoredMetadata } from './client-metadata.js';

export interface RegistrationRow {
  clientId: string;
  clientRef: string;
  metadata: StoredMetadata;
}

/** The registration tables (migration 1766100000000) and the reads dynamic registration makes of the registry. */
@Injectable()
export class RegistrationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: Tx, clientRef: string, accessTokenHash: string, metadata: StoredMetadata): Promise<void> {
    await entityManagerOf(tx).query('INSERT INTO client_registrations (client_ref, access_token_hash, metadata) VALUES ($1, $2, $3)', [
      clientRef,
      accessTokenHash,
      JSON.stringify(metadata),
    ]);
  }

  /** The client a registration access token belongs to, or null. */
  async findByAccessToken(accessTokenHash: string): Promise<RegistrationRow | null> {
    const rows: { client_id: string; client_ref: string; metadata: StoredMetadata }[] = await this.dataSource.query(
      'SELECT c.client_id, r.client_ref, r.metadata FROM client_registrations r JOIN clients c ON c.id = r.client_ref WHERE r.access_token_hash = $1',
      [accessTokenHash],
    );
    return rows[0] ? { clientId: rows[0].client_id, clientRef: rows[0].client_ref, metadata: rows[0].metadata } : null;
  }

  /**
   * Replaces the token and the metadata only while the presented token is still the current one
   * (compare and swap): of two updates with the same token, one wins and the other is refused.
   */
  async rotate(tx: Tx, clientRef: string, presentedHash: string, nextHash: string, metadata: StoredMetadata): Promise<boolean> {
    const rows: unknown = await entityManagerOf(tx).query(
      'UPDATE client_registrations SET access_token_hash = $3, metadata = $4 WHERE client_ref = $1 AND access_token_hash = $2 RETURNING client_ref',
      [clientRef, presentedHash, nextHash, JSON.stringify(metadata)],
    );
    return returnedRows(rows).length === 1;
  }

  async stillCurrent(tx: Tx, clientRef: string, presentedHash: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('SELECT 1 FROM client_registrations WHERE client_ref = $1 AND access_token_hash = $2 FOR UPDATE', [
      clientRef,
      presentedHash,
    ]);
    return rows.length === 1;
  }

  /** Those of `names` that exist, with whether a permission guards them (privileged scopes). */
  async scopes(names: string[]): Promise<{ name: string; privileged: boolean }[]> {
    if (names.length === 0) return [];
    const rows: { name: string; required_permission: string | null }[] = await this.dataSource.query(
      'SELECT name, required_permission FROM scopes WHERE name = ANY($1::text[])',
      [names],
    );
    return rows.map((row) => ({ name: row.name, privileged: row.required_permission !== null }));
  }

  /** Sets the client's scope associations to exactly `names` (they exist: the caller checked). */
  async setScopes(tx: Tx, clientRef: string, names: string[]): Promise<void> {
    const manager = entityManagerOf(tx);
    await manager.query('DELETE FROM client_scopes WHERE client_ref = $1 AND NOT (scope_name = ANY($2::text[]))', [clientRef, names]);
    if (names.length > 0) {
      await manager.query('INSERT INTO client_scopes (client_ref, scope_name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [clientRef, names]);
    }
  }

  /**
   * The highest numeric version among clients of this name (compared without regard to case, as
   * the unique index does), or null: one row back however many share the name.
   */
  async highestNumericVersion(name: string): Promise<number | null> {
    const rows: { highest: string | null }[] = await this.dataSource.query(
      `SELECT max(version::bigint)::text AS highest FROM clients WHERE lower(name) = lower($1) AND version ~ '^[0-9]{1,15}$'`,
      [name],
    );
    return rows[0]?.highest == null ? null : Number(rows[0].highest);
  }

  async insertInitialAccessToken(tokenHash: string, expiresInSeconds: number, maxUses: number): Promise<{ id: string; expiresAt: Date }> {
    const rows: { id: string; expires_at: Date }[] = await this.dataSource.query(
      'INSERT INTO initial_access_tokens (token_hash, max_uses, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING id, expires_at',
      [tokenHash, maxUses, expiresInSeconds],
    );
    return { id: rows[0].id, expiresAt: new Date(rows[0].expires_at) };
  }

  /** Whether the initial access token may still be used (not spending a use). */
  async initialAccessTokenUsable(tokenHash: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM initial_access_tokens WHERE token_hash = $1 AND expires_at > now() AND uses < max_uses',
      [tokenHash],
    );
    return rows.length === 1;
  }

  /** Spends one use in the registration's transaction, atomically: concurrent registrations cannot exceed max_uses. */
  async spendInitialAccessToken(tx: Tx, tokenHash: string): Promise<boolean> {
    const rows: unknown = await entityManagerOf(tx).query(
      'UPDATE initial_access_tokens SET uses = uses + 1 WHERE token_hash = $1 AND expires_at > now() AND uses < max_uses RETURNING id',
      [tokenHash],
    );
    return returnedRows(rows).length === 1;
  }

  /**
   * Counts one registration request of `ip` in the current clock hour (one atomic upsert, shared by
   * every auth server); answers the count so far and the seconds until the hour ends.
   */
  async countAttempt(ip: string): Promise<{ attempts: number; secondsLeft: number }> {
    const rows: { attempts: number; seconds_left: number }[] = await this.dataSource.query(
      `INSERT INTO registration_rate_windows AS w (ip, window_start, attempts) VALUES ($1, date_trunc('hour', now()), 1)
       ON CONFLICT (ip, window_start) DO UPDATE SET attempts = w.attempts + 1
       RETURNING attempts, extract(epoch FROM (window_start + interval '1 hour' - now()))::float8 AS seconds_left`,
      [ip],
    );
    return { attempts: rows[0].attempts, secondsLeft: rows[0].seconds_left };
  }

  /**
   * Dynamic clients neither changed nor issued a token for `days` days, at most `limit`: their
   * client ids. A grant row is written for every issued token (grants_client_idx), so "issued"
   * is the newest grant's issue or creation time.
   */
  async unusedDynamicClients(days: number, limit: number): Promise<string[]> {
    const rows: { client_id: string }[] = await this.dataSource.query(
      `SELECT c.client_id FROM clients c
       WHERE c.registration = 'dynamic' AND c.updated_at < now() - make_interval(days => $1)
         AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.client_ref = c.id
                         AND (g.created_at >= now() - make_interval(days => $1) OR g.issued_at >= now() - make_interval(days => $1)))
       ORDER BY c.updated_at LIMIT $2`,
      [days, limit],
    );
    return rows.map((row) => row.client_id);
  }

  /** Rate windows of past hours and initial access tokens expired a day ago: nothing reads them any more. */
  async removeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM registration_rate_windows WHERE window_start < date_trunc('hour', now())`);
    await this.dataSource.query(`DELETE FROM initial_access_tokens WHERE expires_at < now() - interval '1 day'`);
  }
}
