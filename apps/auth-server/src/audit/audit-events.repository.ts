import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { multiRowInsert } from '../database/multi-row-insert.js';
import { NamedStatements } from '../database/prepared-statement-executor.js';
import type { AuditActorType, AuditEvent, PendingAuditRow } from './audit-event.js';

export interface AuditListFilter {
  limit: number;
  action?: string;
  actor?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  /** Keyset: events strictly older than this (occurred_at, id), newest first. */
  before?: { occurredAt: string; id: string };
}

interface AuditRow {
  id: string;
  occurred_at_text: string;
  actor: string | null;
  actor_type: AuditActorType;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
}

const insertStatementFor = multiRowInsert(
  'audit_events',
  ['occurred_at', 'actor', 'actor_type', 'action', 'target_type', 'target_id', 'details', 'ip', 'request_id'],
  { details: 'jsonb' },
);

@Injectable()
export class AuditEventsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly statements: NamedStatements,
  ) {}

  /** One multi-row INSERT per batch (AuditWriter sends at most AUDIT_BATCH_ROWS), a prepared statement per size. */
  async insertMany(rows: PendingAuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [];
    for (const row of rows) {
      // ISO text: the same instant, without the driver's slower local-time formatting of a Date.
      params.push(
        row.occurredAt.toISOString(),
        row.actor,
        row.actorType,
        row.action,
        row.targetType,
        row.targetId,
        JSON.stringify(row.details ?? {}),
        row.ip,
        row.requestId,
      );
    }
    await this.statements.execute(insertStatementFor(rows.length), params);
  }

  async list(filter: AuditListFilter): Promise<AuditEvent[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
    if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
    if (filter.targetId !== undefined) conditions.push(`target_id = ${bind(filter.targetId)}`);
    if (filter.since) conditions.push(`occurred_at >= ${bind(filter.since)}`);
    if (filter.until) conditions.push(`occurred_at < ${bind(filter.until)}`);
    if (filter.before) conditions.push(`(occurred_at, id) < (${bind(filter.before.occurredAt)}::timestamptz, ${bind(filter.before.id)}::bigint)`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
              actor, actor_type, action, target_type, target_id, details, ip, request_id
       FROM audit_events ${where} ORDER BY occurred_at DESC, id DESC LIMIT ${bind(filter.limit)}`,
      params,
    );
    return rows.map(toEvent);
  }
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at_text,
    actor: row.actor,
    actorType: row.actor_type,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: row.details,
    ip: row.ip,
    requestId: row.request_id,
  };
}
