import type { ExecuteNamed, NamedStatement } from '../database/prepared-statement-executor.js';

/** Ids per statement: two array parameters, whatever the count. */
const MAX_IDS = 512;

/**
 * One statement for any number of ids: a row is returned for each id inserted, or taken over from
 * an expired entry the retention job has not removed yet (a proof that old is refused by its own
 * time claims before it gets here).
 */
export const CLAIM_ONE_TIME_IDS: NamedStatement = {
  name: 'portcullis_claim_one_time_ids',
  text: `INSERT INTO used_one_time_ids (key, expires_at)
    SELECT v.key, to_timestamp(v.expires) FROM unnest($1::text[], $2::double precision[]) AS v (key, expires)
    ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE used_one_time_ids.expires_at <= now()
    RETURNING key`,
};

interface Pending {
  key: string;
  expiresAtSeconds: number;
  resolve: (first: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the replay store, as GrantInsertBatcher for grants: the first claim goes out at
 * once; claims arriving while `maxInFlight` statements run leave together as one INSERT. An id
 * twice in one batch is a replay of itself: the first claims it, the second is answered false
 * without reaching the statement (ON CONFLICT may not touch one row twice in a command). Each
 * caller hears only once the statement holding its id has committed.
 */
export class OneTimeIdBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly execute: ExecuteNamed,
    private readonly maxInFlight: number,
  ) {}

  claim(key: string, expiresAtSeconds: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, expiresAtSeconds, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= this.maxInFlight) return;
      void this.flush(this.queue.splice(0, MAX_IDS));
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    this.inFlight++;
    const unique = new Map<string, Pending>();
    for (const pending of batch) {
      if (unique.has(pending.key)) pending.resolve(false);
      else unique.set(pending.key, pending);
    }
    const claims = [...unique.values()];
    try {
      const rows = (await this.execute(CLAIM_ONE_TIME_IDS, [claims.map((pending) => pending.key), claims.map((pending) => pending.expiresAtSeconds)])) as { key: string }[];
      const claimed = new Set(rows.map((row) => row.key));
      for (const pending of claims) pending.resolve(claimed.has(pending.key));
    } catch (error) {
      for (const pending of claims) pending.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
