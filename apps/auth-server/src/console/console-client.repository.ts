import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';

/** What the console's provisioning reads and writes beyond the clients' and scopes' own repositories. */
@Injectable()
export class ConsoleClientRepository {
  async scopeExists(tx: Tx, name: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('SELECT 1 FROM scopes WHERE name = $1', [name]);
    return rows.length > 0;
  }

  /** Associates the scopes with the client; true when an association was missing. */
  async associateAll(tx: Tx, clientRef: string, scopeNames: string[]): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query(
      'INSERT INTO client_scopes (client_ref, scope_name) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING scope_name',
      [clientRef, scopeNames],
    );
    return rows.length > 0;
  }
}
