import type { DataSource, EntityManager } from 'typeorm';
import { DEADLOCK_DETECTED, SERIALIZATION_FAILURE, sqlState } from '../../errors/src/index.js';

/**
 * Runs `work` in a transaction and retries it a bounded number of times on serialization
 * failures and deadlocks (SECURITY-CHECKLIST F-11), which PostgreSQL expects callers to retry.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      const state = sqlState(error);
      const retryable = state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}
