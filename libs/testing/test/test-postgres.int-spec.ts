import pg from 'pg';
import { postgresServerAvailable, TestPostgres } from '../src/test-postgres.js';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

(postgresServerAvailable() ? describe : describe.skip)('TestPostgres: a throwaway cluster of the test’s own', () => {
  let server: TestPostgres;

  beforeAll(async () => {
    server = await TestPostgres.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  it('serves queries on its own loopback port, as postgres without a password', async () => {
    expect(server.port).not.toBe(5432);
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    expect(server.running).toBe(true);
    await expect(query(server.url, 'SELECT current_user AS who')).resolves.toEqual([{ who: 'postgres' }]);
  });

  it('stop() cuts open sessions with admin_shutdown and refuses new connections; start() brings the data back', async () => {
    await query(server.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    const session = new pg.Client({ connectionString: server.url });
    const cut = new Promise<Error>((resolve) => session.on('error', resolve));
    await session.connect();

    await server.stop();

    expect(server.running).toBe(false);
    expect(((await cut) as Error & { code?: string }).code).toBe('57P01');
    await expect(query(server.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await server.start();

    expect(server.running).toBe(true);
    await expect(query(server.url, 'SELECT n FROM kept')).resolves.toEqual([{ n: 42 }]);
  });

  it('restart() comes back on the same port with the data', async () => {
    const port = server.port;
    await server.restart();
    expect(server.port).toBe(port);
    await expect(query(server.url, 'SELECT n FROM kept')).resolves.toEqual([{ n: 42 }]);
  });

  it('freeze() leaves connections open but unanswered until thaw(); a frozen server still stops', async () => {
    const session = new pg.Client({ connectionString: server.url });
    session.on('error', () => undefined);
    await session.connect();
    server.freeze();
    try {
      const answer = session.query('SELECT 7 AS n');
      const first = await Promise.race([answer.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('silent'), 500))]);
      expect(first).toBe('silent');
      server.thaw();
      await expect(answer).resolves.toMatchObject({ rows: [{ n: 7 }] });
    } finally {
      server.thaw();
      await session.end();
    }
    server.freeze();
    await server.restart();
    await expect(query(server.url, 'SELECT n FROM kept')).resolves.toEqual([{ n: 42 }]);
  });

  it('destroy() stops only its own server; a second destroy() is harmless', async () => {
    const other = await TestPostgres.start();
    await other.destroy();
    await other.destroy();
    expect(other.running).toBe(false);
    await expect(query(other.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(query(server.url, 'SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });
});
