import { DEFAULT_PAGE_SIZE, decodeCursor, isCursorTimestamp, toPage, type Page } from '#operability/pagination';
import type { AuditEvent } from './audit-event.js';
import type { ListAuditQuery } from './list-audit.query.js';

/** What a trail's repository reads: newest first, at most `limit` events. */
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

/**
 * The filter a GET /admin/v1/audit query asks for, reading one event past the page (auditPage
 * cuts it and makes the cursor from the last one kept). A cursor that is not one we wrote is a
 * 400 naming `cursor`, never a database error.
 */
export function auditListFilter(query: ListAuditQuery): AuditListFilter {
  return {
    limit: (query.limit ?? DEFAULT_PAGE_SIZE) + 1,
    action: query.action,
    actor: query.actor,
    targetId: query.targetId,
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
    before: decodeCursor(query.cursor, { occurredAt: isCursorTimestamp, id: (id) => /^\d{1,18}$/.test(id) }),
  };
}

/** The page `query` asked for, from the events read with auditListFilter(query). */
export function auditPage<Event extends AuditEvent>(events: Event[], query: ListAuditQuery): Page<Event> {
  return toPage(events, query.limit ?? DEFAULT_PAGE_SIZE, (last) => ({ occurredAt: last.occurredAt, id: last.id }));
}
