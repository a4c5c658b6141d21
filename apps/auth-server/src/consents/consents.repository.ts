import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { returnedRows } from '../database/returned-rows.js';
import type { Consent } from './consent.js';

interface ConsentRow {
  id: string;
  user_id: string;
  client_ref: string;
  client_id: string;
  scopes: string[];
  granted_at: Date;
}

const SELECT_CONSENTS = 'SELECT c.*, cl.client_id FROM consents c JOIN clients cl ON cl.id = c.client_ref';

/** The only code on the consents table. */
@Injectable()
export class ConsentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string, clientRef: string): Promise<Consent | null> {
    const rows: ConsentRow[] = await this.dataSource.query(`${SELECT_CONSENTS} WHERE c.user_id = $1::uuid AND c.client_ref = $2::uuid`, [userId, clientRef]);
    return rows.length > 0 ? toConsent(rows[0]) : null;
  }

  async findById(id: string): Promise<Consent | null> {
    const rows: ConsentRow[] = await this.dataSource.query(`${SELECT_CONSENTS} WHERE c.id = $1::uuid`, [id]);
    return rows.length > 0 ? toConsent(rows[0]) : null;
  }

  /** Adds the scopes to the user's consent for the client (one row per pair; the union of what was allowed). */
  async addScopes(userId: string, clientRef: string, scopes: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO consents (user_id, client_ref, scopes) VALUES ($1::uuid, $2::uuid, $3::jsonb)
       ON CONFLICT (user_id, client_ref) DO UPDATE SET granted_at = now(),
         scopes = (SELECT coalesce(jsonb_agg(DISTINCT s ORDER BY s), '[]'::jsonb) FROM jsonb_array_elements_text(consents.scopes || EXCLUDED.scopes) s)`,
      [userId, clientRef, JSON.stringify([...new Set(scopes)].sort())],
    );
  }

  async listOfUser(userId: string): Promise<Consent[]> {
    const rows: ConsentRow[] = await this.dataSource.query(`${SELECT_CONSENTS} WHERE c.user_id = $1::uuid ORDER BY cl.client_id, c.id`, [userId]);
    return rows.map(toConsent);
  }

  /** Deletes the consent inside the caller's transaction; its client when it existed. */
  async delete(userId: string, id: string, tx: Tx): Promise<{ clientRef: string } | null> {
    const result: unknown = await entityManagerOf(tx).query('DELETE FROM consents WHERE user_id = $1::uuid AND id = $2::uuid RETURNING client_ref', [userId, id]);
    const rows = returnedRows(result) as { client_ref: string }[];
    return rows.length > 0 ? { clientRef: rows[0].client_ref } : null;
  }
}

function toConsent(row: ConsentRow): Consent {
  return { id: row.id, userId: row.user_id, clientRef: row.client_ref, clientId: row.client_id, scopes: row.scopes, grantedAt: new Date(row.granted_at) };
}
