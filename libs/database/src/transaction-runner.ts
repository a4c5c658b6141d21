import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { txOf } from './persistence.js';
import { inTransaction } from './transaction.js';
import type { Tx } from './tx.js';

/** Opens units of work for services: one transaction per `run`, retried on conflicts (retryConflicts). */
@Injectable()
export class TransactionRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, (manager) => work(txOf(manager)));
  }
}
