import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DatabaseStatus } from '#database';
import { AuthFailuresRepository } from './auth-failures.repository.js';

const REFRESH_MS = 250;
/** Without a successful refresh for this long the view is not trusted (callers ask the DB). */
const STALE_AFTER_MS = 1000;
/** More rows than this (an attack from many IPs): the view gives up and callers ask the DB. */
const MAX_KEYS = 100_000;

/**
 * In-memory superset of the keys present in auth_failures, so that a client authentication whose
 * name+IP has no failure on record (the normal case) costs no DB round trip. A key in the view is
 * checked against the table as before (lockouts and their end stay exact). Keys this instance
 * records are added at once; those recorded by other instances show up within ~250 ms (one
 * parameterless query shared by all requests).
 */
@Injectable()
export class FailureKeysView implements OnModuleDestroy {
  private readonly logger = new Logger(FailureKeysView.name);
  private keys = new Set<string>();
  /** Keys added locally, with when, so a refresh already under way does not drop them. */
  private recent = new Map<string, number>();
  private refreshedAt = 0;
  private refreshing = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly failures: AuthFailuresRepository,
    private readonly database: DatabaseStatus,
  ) {}

  /** false: certainly no row for this key; true: maybe one (ask the DB); undefined: view unusable. */
  mayHave(key: string): boolean | undefined {
    this.timer ??= setInterval(() => void this.refresh(), REFRESH_MS).unref();
    if (Date.now() - this.refreshedAt >= STALE_AFTER_MS) {
      void this.refresh();
      return undefined;
    }
    return this.keys.has(key);
  }

  added(key: string): void {
    this.keys.add(key);
    this.recent.set(key, Date.now());
  }

  async refresh(): Promise<void> {
    if (this.refreshing || !this.database.open) return;
    this.refreshing = true;
    const startedAt = Date.now();
    try {
      const recorded = await this.failures.keys(MAX_KEYS + 1);
      if (recorded.length > MAX_KEYS) return; // stays stale: callers use the table
      const keys = new Set(recorded);
      for (const [key, at] of this.recent) {
        if (at >= startedAt - REFRESH_MS) keys.add(key);
        else this.recent.delete(key);
      }
      this.keys = keys;
      this.refreshedAt = Date.now();
    } catch (error) {
      this.logger.warn(`auth_failures refresh failed: ${(error as Error).message}`);
    } finally {
      this.refreshing = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
