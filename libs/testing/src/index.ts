export * from './test-database.js';
export * from './test-postgres.js';
export * from './test-redis.js';
export * from './test-credentials.js';
export * from './free-port.js';
export * from './eventually.js';
export * from './held-calls.js';
export * from './test-redis-cluster.js';
