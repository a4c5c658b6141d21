import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { returnedRows } from '../database/returned-rows.js';
import type { BrowserSession, SessionOrigin } from './browser-session.js';

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  authenticated_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip: string | null;
}

export interface NewSession extends SessionOrigin {
  handleHash: string;
  userId: string;
  lifetimeSeconds: number;
}

/** The only code on the browser_sessions table. */
@Injectable()
export class BrowserSessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new session, authenticated now, and drops the one it replaces in the same statement batch. */
  async insert(session: NewSession, replacedHandleHash: string | null): Promise<BrowserSession> {
    return this.dataSource.transaction(async (manager) => {
      // Housekeeping on the way: expired rows are useless.
      await manager.query('DELETE FROM browser_sessions WHERE expires_at < now()');
      if (replacedHandleHash) await manager.query('DELETE FROM browser_sessions WHERE handle_hash = $1', [replacedHandleHash]);
      const rows: SessionRow[] = await manager.query(
        `INSERT INTO browser_sessions (handle_hash, user_id, authenticated_at, expires_at, user_agent, ip)
         VALUES ($1, $2::uuid, now(), now() + make_interval(secs => $3::int), $4, $5) RETURNING *`,
        [session.handleHash, session.userId, session.lifetimeSeconds, session.userAgent, session.ip],
      );
      return toSession(rows[0]);
    });
  }

  /** The session when it exists, has not expired and its user is still active. */
  async findLive(handleHash: string): Promise<BrowserSession | null> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT s.* FROM browser_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.handle_hash = $1 AND s.expires_at > now() AND u.active`,
      [handleHash],
    );
    return rows.length > 0 ? toSession(rows[0]) : null;
  }

  async findById(id: string): Promise<BrowserSession | null> {
    const rows: SessionRow[] = await this.dataSource.query('SELECT * FROM browser_sessions WHERE id = $1::uuid', [id]);
    return rows.length > 0 ? toSession(rows[0]) : null;
  }

  /** Records use, at most once a minute per session (a write per page view would be waste). */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE browser_sessions SET last_seen_at = now() WHERE id = $1::uuid AND last_seen_at < now() - interval '1 minute'`, [id]);
  }

  /** Deletes the session; returns it when it existed (logout). */
  async deleteByHandle(handleHash: string): Promise<BrowserSession | null> {
    const result: unknown = await this.dataSource.query('DELETE FROM browser_sessions WHERE handle_hash = $1 RETURNING *', [handleHash]);
    const rows = returnedRows(result) as SessionRow[];
    return rows.length > 0 ? toSession(rows[0]) : null;
  }

  /** The user's live sessions, newest first, at most `limit`. */
  async listOfUser(userId: string, limit: number): Promise<BrowserSession[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      'SELECT * FROM browser_sessions WHERE user_id = $1::uuid AND expires_at > now() ORDER BY created_at DESC, id LIMIT $2::int',
      [userId, limit],
    );
    return rows.map(toSession);
  }

  /** true when the user had that session. */
  async deleteOfUser(userId: string, id: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query('DELETE FROM browser_sessions WHERE user_id = $1::uuid AND id = $2::uuid RETURNING id', [userId, id]);
    return returnedRows(result).length > 0;
  }

  /** Every session of the user, inside the caller's transaction (deactivation). */
  async deleteAllOfUser(userId: string, tx: Tx): Promise<number> {
    const result: unknown = await entityManagerOf(tx).query('DELETE FROM browser_sessions WHERE user_id = $1::uuid RETURNING id', [userId]);
    return returnedRows(result).length;
  }
}

function toSession(row: SessionRow): BrowserSession {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: new Date(row.created_at),
    authenticatedAt: new Date(row.authenticated_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
    userAgent: row.user_agent,
    ip: row.ip,
  };
}
