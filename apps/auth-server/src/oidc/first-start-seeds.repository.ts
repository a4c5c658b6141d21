import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';

/** Defaults created once per installation (first_start_seeds), not restored when an admin removes them. */
@Injectable()
export class FirstStartSeedsRepository {
  /**
   * Claims the seed for this transaction; true only for the first caller ever. A concurrent
   * instance's claim waits for ours to commit (primary key), then sees it taken.
   */
  async claim(tx: Tx, name: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('INSERT INTO first_start_seeds (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name', [name]);
    return rows.length > 0;
  }

  async scopeExists(tx: Tx, name: string): Promise<boolean> {
    const rows: unknown[] = await entityManagerOf(tx).query('SELECT 1 FROM scopes WHERE name = $1', [name]);
    return rows.length > 0;
  }
}
