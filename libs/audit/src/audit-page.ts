import { decodeCursor, isCursorTimestamp, toPage, type Page } from '#operability/pagination';
import type { AuditEvent } from './audit-event.js';

/** Where a page of the trail starts: events strictly older than this (occurred_at, id), newest first. */
export interface AuditKeyset {
  occurredAt: string;
  id: string;
}

/** The keyset of a GET /admin/v1/audit cursor; a cursor that is not one is a 400 naming `cursor`. */
export function auditKeysetOf(cursor: string | undefined): AuditKeyset | undefined {
  return decodeCursor(cursor, { occurredAt: isCursorTimestamp, id: (id) => /^\d{1,18}$/.test(id) });
}

/** A page of `limit` events from `limit + 1` rows read, its cursor the keyset of the last one. */
export function auditPage<Event extends AuditEvent>(rows: Event[], limit: number): Page<Event> {
  return toPage(rows, limit, (last) => ({ occurredAt: last.occurredAt, id: last.id }));
}
