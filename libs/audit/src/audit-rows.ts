import type { AuditActorType, AuditEvent } from './audit-event.js';
import type { AuditListFilter } from './audit-page.js';

/**
 * Shared by the two apps' audit repositories (each the only code on its own audit_events table):
 * the SQL text of the filters and the row-to-event mapping, which are the same on both tables.
 */

/** The columns an event is read from (occurred_at as text with microseconds: the cursor must round-trip exactly). */
export const AUDIT_EVENT_SELECT = `id::text AS id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text,
  actor, actor_type, action, target_type, target_id, details, ip, request_id`;

export interface AuditEventRow {
  id: string;
  occurred_at_text: string;
  actor: string | null;
  actor_type: AuditActorType;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown> | string;
  ip: string | null;
  request_id: string | null;
}

/** Binds a parameter, answering its placeholder ($1, $2…). */
export type BindParameter = (value: unknown) => string;

/** The WHERE conditions of a filter but its target (whose column differs between the auth server's two sources). */
export function auditConditions(filter: AuditListFilter, bind: BindParameter): string[] {
  const conditions: string[] = [];
  if (filter.action !== undefined) conditions.push(`action = ${bind(filter.action)}`);
  if (filter.actor !== undefined) conditions.push(`actor = ${bind(filter.actor)}`);
  if (filter.since) conditions.push(`occurred_at >= ${bind(filter.since)}`);
  if (filter.until) conditions.push(`occurred_at < ${bind(filter.until)}`);
  if (filter.before) conditions.push(`(occurred_at, id) < (${bind(filter.before.occurredAt)}::timestamptz, ${bind(filter.before.id)}::bigint)`);
  return conditions;
}

export function auditEventOf(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at_text,
    actor: row.actor,
    actorType: row.actor_type,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details: typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
    ip: row.ip,
    requestId: row.request_id,
  };
}
