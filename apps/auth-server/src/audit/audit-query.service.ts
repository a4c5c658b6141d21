import { Injectable } from '@nestjs/common';
import { auditListFilter, auditPage, type ListAuditQuery } from '#audit';
import type { Page } from '../common/pagination.js';
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
    const filter = auditListFilter(query);
    // An admin reading the trail expects what just happened to be there: write the buffer first.
    await this.writer.flush();
    return auditPage(await this.repository.list(filter), query);
  }
}
