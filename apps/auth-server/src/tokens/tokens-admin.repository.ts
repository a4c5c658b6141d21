import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GrantRecord } from './grant.js';
import { toGrantRecord, type GrantRow } from './grants.repository.js';

export interface GrantListFilter {
  limit: number;
  clientId?: string;
  username?: string;
  /** Keyset: grants strictly after this (created_at, id). */
  after?: { createdAt: string; id: string };
}

export interface ListedGrant extends GrantRecord {
  createdAt: string;
}

@Injectable()
export class TokensAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Non-revoked grants, oldest first, keyset-paginated on (created_at, id). */
  async list(filter: GrantListFilter): Promise<ListedGrant[]> {
    const conditions = ['revoked_at IS NULL'];
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    // By the client's and the user's row ids (client ids and usernames never change, and a grant
    // goes with its client or user), so each page is a range of grants_client_page_idx or
    // grants_user_page_idx (migration 1766300000000) in the list's order: no scan past the page.
    if (filter.clientId !== undefined) conditions.push(`client_ref = (SELECT id FROM clients WHERE client_id = ${bind(filter.clientId)})`);
    if (filter.username !== undefined) conditions.push(`user_id = (SELECT id FROM users WHERE lower(username) = lower(${bind(filter.username)}))`);
    if (filter.after) conditions.push(`(created_at, id) > (${bind(filter.after.createdAt)}::timestamptz, ${bind(filter.after.id)}::uuid)`);
    const rows = await this.dataSource.query<(GrantRow & { created_at_text: string })[]>(
      `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_text FROM grants
       WHERE ${conditions.join(' AND ')} ORDER BY created_at, id LIMIT ${bind(filter.limit)}`,
      params,
    );
    return rows.map((row) => ({ ...toGrantRecord(row), createdAt: row.created_at_text }));
  }

  async clientRefOf(clientId: string): Promise<string | null> {
    const rows = await this.dataSource.query<{ id: string }[]>('SELECT id FROM clients WHERE client_id = $1', [clientId]);
    return rows[0]?.id ?? null;
  }

  async grantExists(grantId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM grants WHERE id = $1::uuid', [grantId]);
    return rows.length > 0;
  }
}
