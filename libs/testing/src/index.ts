export * from './test-database.js';
export * from './auth-server-harness.js';
export * from './resource-server-harness.js';
export * from './stack-harness.js';
export * from './test-postgres.js';
