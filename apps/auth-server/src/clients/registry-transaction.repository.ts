import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { inTransaction } from '#database';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly marker: RegistryChangeMarker,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.dataSource, work);
    } finally {
      // Also after a failure: a commit whose acknowledgement was lost must not leave stale data.
      this.marker.notify();
    }
  }
}
