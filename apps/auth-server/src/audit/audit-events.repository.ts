import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/uuid.js';
import { multiRowInsert } from '../database/multi-row-insert.js';
import { NamedStatements } from '../database/prepared-statement-executor.js';
import { AUDIT_EVENT_SELECT, auditConditions, auditEventOf, type AuditEventRow, type AuditListFilter } from '#audit';
import type { AuditEvent, PendingAuditRow } from './audit-event.js';

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
   * its index order and cut at the limit before the two are merged. `trail.id`, not `id`: ORDER BY
   * takes an output column first, and the selected id is text ('9' after '10': a skipped event
   * when a page ends among events of one instant, as a batch of grants shares one).
   */
  async list(filter: AuditListFilter): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const limit = bind(filter.limit);
    const side = (source: string, conditions: string[]) =>
      `(SELECT ${EVENT_COLUMNS} FROM ${source} ${where(conditions)} ORDER BY occurred_at DESC, id DESC LIMIT ${limit})`;
    const sides = [
      side('audit_events', [...auditConditions(filter, bind), ...(filter.targetId !== undefined ? [`target_id = ${bind(filter.targetId)}`] : [])]),
    ];
    if (mayBeTokenIssued(filter)) {
      const target = filter.targetId !== undefined ? [`grant_id = ${bind(filter.targetId)}::uuid`] : [];
      sides.push(side('token_issued_events', [...auditConditions({ ...filter, action: undefined }, bind), ...target]));
    }
    const rows = await this.dataSource.query<AuditEventRow[]>(
      `SELECT ${AUDIT_EVENT_SELECT}
       FROM (${sides.join(' UNION ALL ')}) AS trail ORDER BY trail.occurred_at DESC, trail.id DESC LIMIT ${limit}`,
      params,
    );
    return rows.map(auditEventOf);
  }
}

const EVENT_COLUMNS = 'id, occurred_at, actor, actor_type, action, target_type, target_id, details, ip, request_id';

function where(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** False when the filter rules every token.issued event out (another action, a target that is no grant id). */
function mayBeTokenIssued(filter: AuditListFilter): boolean {
  return (filter.action === undefined || filter.action === 'token.issued') && (filter.targetId === undefined || isUuid(filter.targetId));
}
