import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReplayStore } from '#dpop';

/**
 * The replay store every auth-server instance shares: a primary-key insert, so of two instances
 * seeing the same id at once exactly one wins. An expired entry (the retention job has not removed
 * it yet) is taken over, since a proof that old is refused by its `iat` before it gets here.
 */
@Injectable()
export class UsedOneTimeIdsRepository implements ReplayStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async firstUse(key: string, expiresAtSeconds: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO used_one_time_ids (key, expires_at) VALUES ($1, to_timestamp($2))
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE used_one_time_ids.expires_at <= now()
       RETURNING 1`,
      [key, expiresAtSeconds],
    );
    return rows.length === 1;
  }
}
