import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntitySubscriberInterface, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { TRANSACTIONS_WITH_EVENTS } from '../outbox/outbox.writer.js';
import { RegistryChangeMarker } from './registry-change-marker.js';

/**
 * Every change the caches depend on (clients, scopes, associations, revocations) appends an
 * outbox event in its transaction. Right after such a transaction commits in this process, and
 * before its caller can answer, this tells RegistryChangeMarker's listeners, whoever wrote it
 * (admin services, TokenRevoker, provisioning): the change applies here at once.
 */
@Injectable()
export class RegistryCommitListener implements EntitySubscriberInterface {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly marker: RegistryChangeMarker,
  ) {
    dataSource.subscribers.push(this);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (TRANSACTIONS_WITH_EVENTS.delete(event.queryRunner)) this.marker.notify();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    TRANSACTIONS_WITH_EVENTS.delete(event.queryRunner);
  }
}
