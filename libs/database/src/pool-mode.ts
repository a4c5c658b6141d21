/**
 * How long a pooled connection keeps one PostgreSQL session: for as long as it is open
 * (`session`: a direct connection, or PgBouncer's pool_mode=session), or only for one
 * transaction (`transaction`: PgBouncer's pool_mode=transaction, where the next statement may run
 * on another server connection). In transaction mode nothing may rely on session state between
 * transactions: named prepared statements and session-level advisory locks (docs/pgbouncer.md).
 */
export const DATABASE_POOL_MODES = ['session', 'transaction'] as const;
export type DatabasePoolMode = (typeof DATABASE_POOL_MODES)[number];
