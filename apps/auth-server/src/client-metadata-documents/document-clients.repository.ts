import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';

/** The scope associations of clients resolved through metadata documents. */
@Injectable()
export class DocumentClientsRepository {
  /**
   * The scopes such a client may use: every scope that requires no user permission, or those of
   * them the document asks for. A privileged scope is never given to a client nobody registered.
   */
  async assignableScopes(tx: Tx, requested: string[] | null): Promise<string[]> {
    const rows: { name: string }[] = await entityManagerOf(tx).query(
      'SELECT name FROM scopes WHERE required_permission IS NULL AND ($1::boolean OR name = ANY($2::text[])) ORDER BY name',
      [requested === null, requested ?? []],
    );
    return rows.map((row) => row.name);
  }

  /**
   * Makes the client's associations exactly `scopes`; true when anything changed. One SELECT over
   * both writes: TypeORM answers a bare DELETE with `[rows, rowCount]`, whose length is always 2.
   */
  async replaceScopes(tx: Tx, clientRef: string, scopes: string[]): Promise<boolean> {
    const [{ changed }]: { changed: number }[] = await entityManagerOf(tx).query(
      `WITH removed AS (DELETE FROM client_scopes WHERE client_ref = $1 AND NOT (scope_name = ANY($2::text[])) RETURNING 1),
            added AS (INSERT INTO client_scopes (client_ref, scope_name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING 1)
       SELECT ((SELECT count(*) FROM removed) + (SELECT count(*) FROM added))::int AS changed`,
      [clientRef, scopes],
    );
    return changed > 0;
  }
}
