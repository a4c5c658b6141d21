import { describe, expect, it, jest } from '@jest/globals';
import type { DataSource, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { Tx } from '#database';
import { OutboxEventsRepository } from './outbox-events.repository.js';

/** A transaction's manager as far as append uses it: its query runner and its statements. */
function transaction(active = true): { tx: Tx; runner: QueryRunner; statements: string[] } {
  const statements: string[] = [];
  const runner = { isTransactionActive: active } as QueryRunner;
  const manager = { queryRunner: runner, query: async (text: string) => void statements.push(text) };
  return { tx: manager as unknown as Tx, runner, statements };
}

function repository(): OutboxEventsRepository {
  return new OutboxEventsRepository({ subscribers: [] } as unknown as DataSource);
}

const committed = (runner: QueryRunner) => ({ queryRunner: runner }) as TransactionCommitEvent;
const rolledBack = (runner: QueryRunner) => ({ queryRunner: runner }) as TransactionRollbackEvent;

describe('OutboxEventsRepository', () => {
  it('subscribes to its data source, so that it sees every commit of this process', () => {
    const dataSource = { subscribers: [] as unknown[] };
    const events = new OutboxEventsRepository(dataSource as unknown as DataSource);
    expect(dataSource.subscribers).toEqual([events]);
  });

  it('appends under the writers’ advisory lock, in the caller’s transaction', async () => {
    const { tx, statements } = transaction();
    await repository().append(tx, 'scope.deleted', 'read', 2, { name: 'read', entityVersion: 2 });
    expect(statements).toEqual(['SELECT pg_advisory_xact_lock($1)', expect.stringContaining('INSERT INTO outbox_events')]);
  });

  it('refuses to append outside a transaction', async () => {
    const { tx, statements } = transaction(false);
    await expect(repository().append(tx, 'scope.deleted', 'read', 2, {})).rejects.toThrow('must run inside a transaction');
    expect(statements).toEqual([]);
  });

  it('tells its listeners once, right after a transaction that appended commits', async () => {
    const events = repository();
    const listener = jest.fn();
    events.onEventsCommitted(listener);
    const { tx, runner } = transaction();
    await events.append(tx, 'scope.deleted', 'read', 2, {});
    events.afterTransactionCommit(committed(runner));
    events.afterTransactionCommit(committed(runner));
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('stays silent for transactions without events and for rolled-back ones', async () => {
    const events = repository();
    const listener = jest.fn();
    events.onEventsCommitted(listener);
    events.afterTransactionCommit(committed(transaction().runner));
    const { tx, runner } = transaction();
    await events.append(tx, 'scope.deleted', 'read', 2, {});
    events.afterTransactionRollback(rolledBack(runner));
    events.afterTransactionCommit(committed(runner));
    expect(listener).not.toHaveBeenCalled();
  });
});
