export * from './embedded-postgres.js';
export * from './data-source-options.js';
export * from './transaction.js';
export * from './migrations.js';
