export * from './problem.js';
export * from './server-busy.js';
export * from './classify.js';
export * from './all-exceptions.filter.js';
export * from './validation.js';
