declare const opaque: unique symbol;

/**
 * An open database transaction as services see it: a handle they receive from a unit of work
 * (TransactionRunner, a repository's own transaction) and hand on to repositories, so that every
 * write and its outbox event commit together. It has no members: only repositories open it up
 * (`entityManagerOf` in `#database/persistence`), so no service depends on TypeORM.
 */
export interface Tx {
  readonly [opaque]: 'Tx';
}
