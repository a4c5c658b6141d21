import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { inTransaction } from '../../../../libs/database/src/index.js';

/**
 * The unit of work of the registry (clients, scopes, associations): the change and its outbox
 * event commit together or not at all. Serialization failures and deadlocks are retried.
 */
@Injectable()
export class RegistryTransaction {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, work);
  }
}
