import { Injectable } from '@nestjs/common';
import { auditKeysetOf, auditPage, type ListAuditQuery } from '#audit';
import { DEFAULT_PAGE_SIZE, type Page } from '../common/pagination.js';
import type { AuditEvent } from './audit-event.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditWriter } from './audit-writer.js';

@Injectable()
export class AuditQueryService {
  constructor(
    private readonly repository: AuditEventsRepository,
    private readonly writer: AuditWriter,
  ) {}

  async list(query: ListAuditQuery): Promise<Page<AuditEvent>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = auditKeysetOf(query.cursor);
    // An admin reading the trail expects what just happened to be there: write the buffer first.
    await this.writer.flush();
    const rows = await this.repository.list({
      limit: limit + 1,
      action: query.action,
      actor: query.actor,
      targetId: query.targetId,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      before,
    });
    return auditPage(rows, limit);
  }
}
