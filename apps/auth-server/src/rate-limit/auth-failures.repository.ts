import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ThrottlePolicy {
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

@Injectable()
export class AuthFailuresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Seconds left of a running lockout, 0 when none; also whether any failure is on record. */
  async state(key: string): Promise<{ lockedForSeconds: number; recorded: boolean }> {
    const rows = await this.dataSource.query<{ locked_for: number }[]>(
      `SELECT greatest(0, extract(epoch FROM (coalesce(locked_until, now()) - now())))::float8 AS locked_for FROM auth_failures WHERE key = $1`,
      [key],
    );
    return { lockedForSeconds: rows[0]?.locked_for ?? 0, recorded: rows.length > 0 };
  }

  /**
   * Counts one failure atomically (concurrent bursts cannot slip past the counter). The failure
   * that reaches the limit starts a lockout and resets the window, so the lockout is temporary.
   * Returns true when this failure started a lockout.
   */
  async recordFailure(key: string, policy: ThrottlePolicy): Promise<boolean> {
    const rows = await this.dataSource.query<{ locked: boolean }[]>(
      `INSERT INTO auth_failures AS f (key, failures, window_started_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE f.window_started_at END
       RETURNING failures >= $3 AS locked`,
      [key, policy.windowSeconds, policy.maxFailures],
    );
    if (!rows[0]?.locked) return false;
    await this.dataSource.query(
      `UPDATE auth_failures SET locked_until = now() + make_interval(secs => $2), failures = 0, window_started_at = now() WHERE key = $1`,
      [key, policy.lockoutSeconds],
    );
    return true;
  }

  /**
   * Counts the attempt before it is evaluated (one atomic upsert), so a parallel burst cannot
   * slip past the limit: the attempt over the limit starts the lockout. Returns the seconds the
   * caller must wait, 0 when the attempt may proceed.
   */
  async reserveAttempt(key: string, policy: ThrottlePolicy): Promise<number> {
    const [row] = await this.dataSource.query<{ failures: number; locked_for: number }[]>(
      `INSERT INTO auth_failures AS f (key, failures, window_started_at) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.locked_until > now() THEN f.failures
                         WHEN f.window_started_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.locked_until > now() THEN f.window_started_at
                         WHEN f.window_started_at < now() - make_interval(secs => $2) THEN now() ELSE f.window_started_at END
       RETURNING failures, greatest(0, extract(epoch FROM (coalesce(locked_until, now()) - now())))::float8 AS locked_for`,
      [key, policy.windowSeconds],
    );
    if (row.locked_for > 0) return row.locked_for;
    if (row.failures <= policy.maxFailures) return 0;
    await this.dataSource.query(
      `UPDATE auth_failures SET locked_until = now() + make_interval(secs => $2), failures = 0, window_started_at = now() WHERE key = $1`,
      [key, policy.lockoutSeconds],
    );
    return policy.lockoutSeconds;
  }

  /** Takes back one attempt counted by reserveAttempt (a right guess); never below zero, never lifts a lockout. */
  async refundAttempt(key: string): Promise<void> {
    await this.dataSource.query(`UPDATE auth_failures SET failures = greatest(failures - 1, 0) WHERE key = $1 AND failures > 0`, [key]);
  }

  /** Up to `limit` keys on record, in no order (the limit inlined: one parameterless query, as FailureKeysView polls it). */
  async keys(limit: number): Promise<string[]> {
    const rows: { key: string }[] = await this.dataSource.query(`SELECT key FROM auth_failures LIMIT ${Math.trunc(limit)}`);
    return rows.map((row) => row.key);
  }

  async clear(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM auth_failures WHERE key = $1', [key]);
  }
}
