import { GroupCommit } from '#database/group-commit';
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
 * Group commit (GroupCommit) for the replay store, as for grants: claims arriving while others
 * run leave together as one INSERT. An id
 * twice in one batch is a replay of itself: the first claims it, the second is answered false
 * without reaching the statement (ON CONFLICT may not touch one row twice in a command). Each
 * caller hears only once the statement holding its id has committed.
 */
export class OneTimeIdBatcher {
  private readonly commits: GroupCommit<Pending>;

  constructor(
    private readonly execute: ExecuteNamed,
    maxInFlight: number,
  ) {
    this.commits = new GroupCommit((batch) => this.flush(batch), maxInFlight, MAX_IDS);
  }

  claim(key: string, expiresAtSeconds: number): Promise<boolean> {
    return new Promise((resolve, reject) => this.commits.add({ key, expiresAtSeconds, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
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
    }
  }
}
