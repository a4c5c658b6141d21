import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/index.js';

describe('startEmbeddedPostgres', () => {
  let db: EmbeddedPostgres;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await startEmbeddedPostgres();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(async () => {
    await pool.end();
    await db.stop();
  });

  it('keeps concurrent parameterised queries and transactions of several connections apart', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        if (i % 2 === 0) {
          const result = await pool.query('SELECT $1::int AS n, $2::text AS label', [i, `q${i}`]);
          return result.rows[0].n === i && result.rows[0].label === `q${i}`;
        }
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO items VALUES ($1, $2)', [i, `t${i}`]);
          const read = await client.query('SELECT label FROM items WHERE id = $1', [i]);
          await client.query(i % 3 === 0 ? 'ROLLBACK' : 'COMMIT');
          return read.rows[0]?.label === `t${i}`;
        } finally {
          client.release();
        }
      }),
    );
    expect(outcomes.every(Boolean)).toBe(true);
    const committed = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 !== 0).length;
    expect((await pool.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(committed);
  });
});
