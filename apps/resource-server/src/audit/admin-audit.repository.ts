import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_EVENT_SELECT, auditConditions, auditEventOf, type AuditEventRow, type AuditListFilter } from '#audit';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import type { NewAuditRow, RsAuditEvent } from './admin-audit-event.js';

const INSERT = `INSERT INTO audit_events (actor, actor_type, client_id, action, target_type, target_id, details, ip, request_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`;

/** The only code on the resource server's audit_events table. */
@Injectable()
export class AdminAuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inside `tx` when given (the row commits or rolls back with the change), else on its own. */
  async insert(row: NewAuditRow, tx?: Tx): Promise<void> {
    const params = [row.actor, row.actorType, row.clientId, row.action, row.targetType, row.targetId, JSON.stringify(row.details ?? {}), row.ip, row.requestId];
    await (tx ? entityManagerOf(tx).query(INSERT, params) : this.dataSource.query(INSERT, params));
  }

  /** Newest first, from the keyset on (audit_events_occurred_idx); by the table's columns, not the selected text id ('9' sorts after '10'). */
  async list(filter: AuditListFilter): Promise<RsAuditEvent[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const conditions = auditConditions(filter, bind);
    if (filter.targetId !== undefined) conditions.push(`target_id = ${bind(filter.targetId)}`);
    const rows = (await this.dataSource.query(
      `SELECT ${AUDIT_EVENT_SELECT}, client_id FROM audit_events ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY audit_events.occurred_at DESC, audit_events.id DESC LIMIT ${bind(filter.limit)}`,
      params,
    )) as (AuditEventRow & { client_id: string | null })[];
    return rows.map((row) => ({ ...auditEventOf(row), clientId: row.client_id }));
  }
}
