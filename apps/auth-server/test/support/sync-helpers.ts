import pg from 'pg';

export const RESOURCE_CLIENT = { RESOURCE_CLIENT_ID: 'resource-server', RESOURCE_CLIENT_SECRET: 'resource-secret-for-tests-0123456789' };

/** A direct connection to the test database, to write and inspect outbox rows. */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Appends an outbox row the way OutboxWriter does; returns its seq. */
export async function insertOutboxRow(db: pg.Client, name: string): Promise<number> {
  const payload = { name, description: 'test', requiredPermission: null, entityVersion: 1 };
  const result = await db.query("INSERT INTO outbox_events (kind, entity_id, entity_version, payload) VALUES ('scope.upserted', $1, 1, $2) RETURNING seq", [name, JSON.stringify(payload)]);
  return Number(result.rows[0].seq);
}

export async function unpublishedCount(db: pg.Client): Promise<number> {
  const result = await db.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
  return result.rows[0].n as number;
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Appends `count` rows in one statement, so they become visible to relays all at once. */
export async function insertOutboxRows(db: pg.Client, prefix: string, count: number): Promise<number[]> {
  const result = await db.query(
    `INSERT INTO outbox_events (kind, entity_id, entity_version, payload)
     SELECT 'scope.upserted', $1 || i, 1, jsonb_build_object('name', $1 || i, 'description', '', 'entityVersion', 1) FROM generate_series(1, $2) AS i
     RETURNING seq`,
    [prefix, count],
  );
  return result.rows.map((row: { seq: string }) => Number(row.seq));
}
