import 'reflect-metadata';
import * as os from 'node:os';
import { describe, expect, it, jest } from '@jest/globals';

// On a one-core machine "one per core" and "one" look alike: the spec runs as on three cores.
jest.unstable_mockModule('node:os', () => ({ ...os, default: os, availableParallelism: () => 3 }));
const { loadResourceServerConfig } = await import('./resource-server.config.js');

describe('RESOURCE_WORKERS by default, on a machine of three cores', () => {
  const RESOURCE_DATABASE_URL = 'postgresql://portcullis@db.internal:5432/resource';
  const redis = { RESOURCE_DATABASE_URL, REDIS_URL: 'redis://127.0.0.1:6379' };

  it('is one worker per core where a pool can run: with REDIS_URL, on a database of its own', () => {
    expect(loadResourceServerConfig(redis).workers).toBe(3);
    // Empty, as docker-compose passes an unset ${RESOURCE_WORKERS:-}: the default.
    expect(loadResourceServerConfig({ ...redis, RESOURCE_WORKERS: '' }).workers).toBe(3);
  });

  it('is one without Redis or on the embedded database', () => {
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL }).workers).toBe(1);
    expect(loadResourceServerConfig(redis, { embeddedDatabase: true }).workers).toBe(1);
  });
});
