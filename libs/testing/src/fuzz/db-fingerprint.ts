import pg from 'pg';

/** A table to watch, with the columns that change on their own (e.g. the relay's published_at). */
export interface WatchedTable {
  name: string;
  ignore?: string[];
}

/**
 * A cheap digest of every watched table (row count and md5 of the rows), one round trip. Equal
 * digests before and after a refused request mean it changed nothing.
 */
export class DbFingerprint {
  private constructor(
    private readonly client: pg.Client,
    private readonly query: string,
  ) {}

  static async open(databaseUrl: string, tables: WatchedTable[]): Promise<DbFingerprint> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const parts = tables.map(({ name, ignore = [] }) => {
      const row = `(to_jsonb(r) - ARRAY[${ignore.map((c) => `'${c}'`).join(',')}]::text[])::text`;
      return `SELECT '${name}' AS t, count(*)::int AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS h FROM ${name} r`;
    });
    return new DbFingerprint(client, parts.join(' UNION ALL '));
  }

  async take(): Promise<Record<string, string>> {
    const { rows } = await this.client.query<{ t: string; n: number; h: string }>(this.query);
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
