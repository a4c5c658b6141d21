export * from './validate-env.js';
export * from './is-redis-url.js';
