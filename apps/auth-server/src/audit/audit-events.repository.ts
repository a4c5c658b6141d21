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

  /**
   * Newest first, across both stores of the trail: audit_events, and the grants table, whose rows
   * are the token.issued events (migration 1763800000300). Both take ids from one sequence, so
   * (occurred_at, id) orders and pages them as one; each side is read in its index order.
   */
  async list(filter: AuditListFilter): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const limit = bind(filter.limit);
    const branches = [`(${AUDIT_EVENTS_SELECT} ${where(auditEventConditions(filter, bind))} ORDER BY occurred_at DESC, id DESC LIMIT ${limit})`];
    const grantConditions = issuedGrantConditions(filter, bind);
    if (grantConditions) branches.push(`(${ISSUED_GRANTS_SELECT} ${where(grantConditions)} ORDER BY created_at DESC, audit_id DESC LIMIT ${limit})`);
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
              actor, actor_type, action, target_type, target_id, details, ip, request_id
       FROM (${branches.join(' UNION ALL ')}) AS trail ORDER BY occurred_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(toEvent);
  }
}

type Bind = (value: unknown) => string;

const AUDIT_EVENTS_SELECT = `SELECT id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id FROM audit_events`;

/** A grants row as its token.issued event; details only from columns no later UPDATE touches. */
const ISSUED_GRANTS_SELECT = `SELECT audit_id AS id, created_at AS occurred_at, coalesce(username, client_id) AS actor,
    CASE WHEN username IS NULL THEN 'client' ELSE 'user' END AS actor_type, 'token.issued' AS action, 'grant' AS target_type,
    id::text AS target_id,
    jsonb_build_object('clientId', client_id, 'grantType', grant_type, 'scopes', scopes, 'withRefreshToken', refresh_unlimited OR refresh_remaining IS NOT NULL) AS details,
    request_ip AS ip, request_id
  FROM grants`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function where(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

function auditEventConditions(filter: AuditListFilter, bind: Bind): string[] {
  const conditions: string[] = [];
  if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
  if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
  if (filter.targetId !== undefined) conditions.push(`target_id = ${bind(filter.targetId)}`);
  conditions.push(...timeConditions('occurred_at', 'id', filter, bind));
  return conditions;
}

/** The grants side's conditions, or null when the filter rules every token.issued event out. */
function issuedGrantConditions(filter: AuditListFilter, bind: Bind): string[] | null {
  if (filter.action !== undefined && filter.action !== 'token.issued') return null;
  if (filter.targetId !== undefined && !UUID.test(filter.targetId)) return null;
  const conditions: string[] = [];
  if (filter.actor !== undefined) conditions.push(`coalesce(username, client_id) = ${bind(filter.actor)}`);
  if (filter.targetId !== undefined) conditions.push(`id = ${bind(filter.targetId)}::uuid`);
  conditions.push(...timeConditions('created_at', 'audit_id', filter, bind));
  return conditions;
}

function timeConditions(time: string, id: string, filter: AuditListFilter, bind: Bind): string[] {
  const conditions: string[] = [];
  if (filter.since) conditions.push(`${time} >= ${bind(filter.since)}`);
  if (filter.until) conditions.push(`${time} < ${bind(filter.until)}`);
  if (filter.before) conditions.push(`(${time}, ${id}) < (${bind(filter.before.occurredAt)}::timestamptz, ${bind(filter.before.id)}::bigint)`);
  return conditions;
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
