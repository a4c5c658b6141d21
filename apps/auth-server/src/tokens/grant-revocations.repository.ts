import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { inTransaction, type Tx } from '#database';
import { entityManagerOf, txOf } from '#database/persistence';
import type { RevokedGrants } from './grant.js';

/** Revocations run inside a transaction so the caller can append the outbox event in it. */
export interface RevocationTransaction {
  /** For the outbox event that must commit with the revocation. */
  readonly tx: Tx;
  /** The grants matched and those exchanged from them (RFC 8693), by client. */
  revokeWhere(condition: RevocationCondition, ...values: string[]): Promise<RevokedGrants[]>;
  clientIdOf(clientRef: string): Promise<string | null>;
  /** The transaction's clock: the revoked_at just written. */
  now(): Promise<Date>;
}

const CONDITIONS = {
  id: 'id = $1::uuid',
  code: 'authorization_code_hash = $1',
  client: 'client_ref = $1::uuid',
  user: 'user_id = $1::uuid',
  userAtClient: 'user_id = $1::uuid AND client_ref = $2::uuid',
} as const;

export type RevocationCondition = keyof typeof CONDITIONS;

@Injectable()
export class GrantRevocationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  inTransaction<T>(work: (tx: RevocationTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, (manager) => work(revocationTransaction(manager)));
  }

  /** The same operations inside a transaction the caller already holds. */
  within(tx: Tx): RevocationTransaction {
    return revocationTransaction(entityManagerOf(tx));
  }
}

function revocationTransaction(manager: EntityManager): RevocationTransaction {
  return {
    tx: txOf(manager),
    async revokeWhere(condition, ...values) {
      // The grants matched and every grant exchanged from them, however deep (RFC 8693 chains):
      // the walk follows the partial index on parent_grant_id, empty for grants never exchanged.
      const rows = await manager.query<{ client_id: string; ids: string[]; never: boolean; latest: Date | null }[]>(
        `WITH RECURSIVE family(id) AS (
           SELECT id FROM grants WHERE ${CONDITIONS[condition]} AND revoked_at IS NULL
           UNION
           SELECT g.id FROM grants g JOIN family f ON g.parent_grant_id = f.id
         ), revoked AS (
           UPDATE grants SET revoked_at = now(), refresh_token_hash = NULL
           WHERE id IN (SELECT id FROM family) AND revoked_at IS NULL
           RETURNING id, client_id, access_expires_at)
         SELECT client_id, array_agg(id::text ORDER BY id) AS ids, bool_or(access_expires_at IS NULL) AS never, max(access_expires_at) AS latest
         FROM revoked GROUP BY client_id`,
        values,
      );
      return rows.map((row) => ({ clientId: row.client_id, grantIds: row.ids, expiresAt: row.never ? null : row.latest && new Date(row.latest) }));
    },
    async now() {
      const rows = await manager.query<{ now: Date }[]>('SELECT now() AS now');
      return new Date(rows[0].now);
    },
    async clientIdOf(clientRef) {
      const rows = await manager.query<{ client_id: string }[]>('SELECT client_id FROM clients WHERE id = $1::uuid', [clientRef]);
      return rows[0]?.client_id ?? null;
    },
  };
}
