import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, eventually, type TestDatabase } from '#testing';
import { dataSourceOptions } from '../src/data-source-options.js';
import { poolOf } from '../src/persistence.js';

/**
 * A PostgreSQL restart ends every connection with FATAL 57P01. A connection checked out of the
 * pool with nobody listening for its 'error' (between two statements of its holder) would throw
 * that error out of the socket's callback and end the process: the one-hour soak lost an auth
 * server that way. Every pooled connection keeps a listener of its own.
 */
// A real server (TEST_DATABASE_URL, which .ci/run sets): the embedded PGlite of a plain `npm test`
// does not end a connection on pg_terminate_backend, and the test waited for that end forever.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('a pooled connection the server drops', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions({ url: database.url, entities: [], migrations: [] })).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('while checked out and idle, ends that connection only, not the process', async () => {
    const pool = poolOf(dataSource)!;
    const client = await pool.connect();
    const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const ended = new Promise((resolve) => client.once('end', resolve));
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    await killer.query('SELECT pg_terminate_backend($1)', [pid]);
    await killer.end();
    await ended;
    await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable/);
    client.release(new Error('dropped by the server'));
    await eventually(async () => (await dataSource.query('SELECT 1 AS one'))[0].one === 1, 5000, 'the pool to answer on a new connection');
  });

  it('keeps a listener on every connection it hands out', async () => {
    const pool = poolOf(dataSource)!;
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      expect(clients.map((client) => client.listenerCount('error'))).toEqual([1, 1, 1]);
    } finally {
      for (const client of clients) client.release();
    }
  });
});
