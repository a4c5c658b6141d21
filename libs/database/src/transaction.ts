import type { DataSource, EntityManager } from 'typeorm';
import { isRetryableConflict } from '#errors';

/** Attempts in all, the first included: enough for a few racing writers, bounded so that a request never loops. */
export const CONFLICT_ATTEMPTS = 3;

/**
 * Runs `work` again, a bounded number of times, when PostgreSQL aborts it with a serialization
 * failure or a deadlock (SECURITY-CHECKLIST F-11): PostgreSQL expects callers to retry those.
 * `work` must be one transaction (or one statement, which is its own), so that a retry starts
 * from nothing. The last conflict is rethrown; the exception filter answers it with 503.
 */
export async function retryConflicts<T>(work: () => Promise<T>, attempts = CONFLICT_ATTEMPTS, pause = backoff): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryableConflict(error) || attempt >= attempts) throw error;
      await pause(attempt);
    }
  }
}

/** Runs `work` in a transaction, retried on conflicts as retryConflicts does. */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>, attempts = CONFLICT_ATTEMPTS): Promise<T> {
  return retryConflicts(() => dataSource.transaction(work), attempts);
}

/** A little jitter, so that the writers that collided do not collide again in step. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10 * attempt));
}
