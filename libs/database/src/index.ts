export * from './embedded-postgres.js';
export * from './data-source-options.js';
export * from './transaction.js';
export * from './migrations.js';
export * from './pool-mode.js';
export type { Tx } from './tx.js';
export * from './transaction-runner.js';
export * from './database-status.js';
export * from './database-access.js';
