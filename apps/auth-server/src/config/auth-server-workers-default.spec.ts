import 'reflect-metadata';
import * as os from 'node:os';
import { describe, expect, it, jest } from '@jest/globals';

// On a one-core machine "one per core" and "one" look alike: the spec runs as on three cores.
jest.unstable_mockModule('node:os', () => ({ ...os, default: os, availableParallelism: () => 3 }));
const { loadAuthServerConfig } = await import('./auth-server.config.js');

describe('AUTH_WORKERS by default, on a machine of three cores', () => {
  const DATABASE_URL = 'postgresql://portcullis@db.internal:5432/portcullis';

  it('is one worker per core on a database of its own', () => {
    expect(loadAuthServerConfig({ DATABASE_URL }).workers).toBe(3);
    // Empty, as docker-compose passes an unset ${AUTH_WORKERS:-}: the default.
    expect(loadAuthServerConfig({ DATABASE_URL, AUTH_WORKERS: '' }).workers).toBe(3);
  });

  it('is one on the embedded database', () => {
    expect(loadAuthServerConfig({}, { databaseUrl: DATABASE_URL, embeddedDatabase: true }).workers).toBe(1);
  });
});
