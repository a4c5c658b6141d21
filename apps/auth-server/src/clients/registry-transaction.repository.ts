import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Tx } from '#database';
import { RegistryChangeMarker } from './registry-change-marker.js';

/**
 * The unit of work of the registry (clients, scopes, associations): the change and its outbox
 * event commit together or not at all. Serialization failures and deadlocks are retried.
 * After the commit, and before the caller answers, this instance's caches of registry data are
 * emptied, so a deactivation or a new secret takes effect here at once (CONTRACT.md).
 */
@Injectable()
export class RegistryTransaction {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly marker: RegistryChangeMarker,
  ) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.transactions.run(work);
    } finally {
      // Also after a failure: a commit whose acknowledgement was lost must not leave stale data.
      this.marker.notify();
    }
  }
}
