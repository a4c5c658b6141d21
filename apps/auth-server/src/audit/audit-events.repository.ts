import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/uuid.js';
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

  /**
   * Newest first, across both stores of the trail: audit_events, and the grants table, whose rows
   * are the token.issued events (the token_issued_events view, migration 1763800000300). Both take
   * ids from one sequence, so (occurred_at, id) orders and pages them as one; each side is read in
   * its index order and cut at the limit before the two are merged.
   */
  async list(filter: AuditListFilter): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const limit = bind(filter.limit);
    const side = (source: string, conditions: string[]) =>
      `(SELECT ${EVENT_COLUMNS} FROM ${source} ${where(conditions)} ORDER BY occurred_at DESC, id DESC LIMIT ${limit})`;
    const sides = [side('audit_events', [...sharedConditions(filter, bind), ...(filter.targetId !== undefined ? [`target_id = ${bind(filter.targetId)}`] : [])])];
    if (mayBeTokenIssued(filter)) {
      const target = filter.targetId !== undefined ? [`grant_id = ${bind(filter.targetId)}::uuid`] : [];
      sides.push(side('token_issued_events', [...sharedConditions({ ...filter, action: undefined }, bind), ...target]));
    }
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
              actor, actor_type, action, target_type, target_id, details, ip, request_id
       FROM (${sides.join(' UNION ALL ')}) AS trail ORDER BY occurred_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toEvent);
  }
}

type Bind = (value: unknown) => string;

const EVENT_COLUMNS = 'id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id';

function where(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** The conditions both sides take as they are (the target differs: text there, the grant's uuid here). */
function sharedConditions(filter: AuditListFilter, bind: Bind): string[] {
  const conditions: string[] = [];
  if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
  if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
  if (filter.since) conditions.push(`occurred_at >= ${bind(filter.since)}`);
  if (filter.until) conditions.push(`occurred_at < ${bind(filter.until)}`);
  if (filter.before) conditions.push(`(occurred_at, id) < (${bind(filter.before.occurredAt)}::timestamptz, ${bind(filter.before.id)}::bigint)`);
  return conditions;
}

/** False when the filter rules every token.issued event out (another action, a target that is no grant id). */
function mayBeTokenIssued(filter: AuditListFilter): boolean {
  return (filter.action === undefined || filter.action === 'token.issued') && (filter.targetId === undefined || isUuid(filter.targetId));
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
