import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditActorType } from '#audit';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import type { AuditListFilter, NewAuditRow, RsAuditEvent } from './admin-audit-event.js';

interface AuditRow {
  id: string;
  occurred_at_text: string;
  actor: string | null;
  actor_type: AuditActorType;
  client_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown> | string;
  ip: string | null;
  request_id: string | null;
}

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

  /** Newest first, from the keyset on (audit_events_occurred_idx). */
  async list(filter: AuditListFilter): Promise<RsAuditEvent[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
    if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
    if (filter.targetId !== undefined) conditions.push(`target_id = ${bind(filter.targetId)}`);
    if (filter.since) conditions.push(`occurred_at >= ${bind(filter.since)}`);
    if (filter.until) conditions.push(`occurred_at < ${bind(filter.until)}`);
    if (filter.before) conditions.push(`(occurred_at, id) < (${bind(filter.before.occurredAt)}::timestamptz, ${bind(filter.before.id)}::bigint)`);
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
              actor, actor_type, client_id, action, target_type, target_id, details, ip, request_id
       FROM audit_events ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY occurred_at DESC, id DESC LIMIT ${bind(filter.limit)}`,
      params,
    )) as AuditRow[];
    return rows.map(toEvent);
  }
}

function toEvent(row: AuditRow): RsAuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at_text,
    actor: row.actor,
    actorType: row.actor_type,
    clientId: row.client_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
    ip: row.ip,
    requestId: row.request_id,
  };
}
