import { Injectable, Logger } from '@nestjs/common';
import { auditListFilter, auditPage, redactForAudit, storableText, type ListAuditQuery } from '#audit';
import type { Tx } from '#database';
import { answeredStatus } from '#errors';
import { currentRequestContext } from '#observability';
import type { Page } from '#operability/pagination';
import type { NewAuditRow, RsAuditEvent } from './admin-audit-event.js';
import { AdminAuditRepository } from './admin-audit.repository.js';

/** One admin change as the trail names it (the auth server's admin-audit-routes.ts, for this server's routes). */
export interface AdminChange {
  action: string;
  targetType: string;
  targetId: string | null;
  method: string;
  route: string;
  /** The answer's status when the change is made (201, 200, 204). */
  status: number;
  /** The request body, as sent (redacted before it is stored). */
  change: unknown;
}

/** Who asked: the admin token's subject and the client it was issued to. */
export interface AdminActor {
  sub: string;
  clientId: string;
}

/** The target as the admin API shows it (its GET answer) before and after the change; null: there was none, or none is left. */
export interface ChangeSides {
  before: unknown;
  after: unknown;
}

/** Records the change's row; given the change's transaction, the row commits or rolls back with it. */
export type RecordChange = (sides: ChangeSides, tx?: Tx) => Promise<void>;

/**
 * The resource server's admin audit trail, in its own database (CONTRACT: "every change
 * audited"). Shaped as the auth server's (#audit: the same event view, redaction, query and
 * paging): who (token subject, and its client), what, the target, "before"/"after" views, the
 * request id and ip, when, and the outcome as the answer's status. Unlike the auth server's
 * buffered writer, a change's row is written inside the change's transaction, so that a change
 * never lands without its row. A refused change (400, 404, 409: it changed nothing) gets a row of
 * its own with the refusal's status, as the auth server's interceptor records refusals; a 401 or
 * 403 from the bearer check never reaches the change, as at the auth server.
 */
@Injectable()
export class AdminAudit {
  private readonly logger = new Logger('AdminAudit');

  constructor(private readonly repository: AdminAuditRepository) {}

  /** Runs `work`, which calls `record` with the change's transaction; an error is recorded as a refusal and rethrown. */
  async audited<T>(change: AdminChange, actor: AdminActor, work: (record: RecordChange) => Promise<T>): Promise<T> {
    try {
      return await work((sides, tx) => this.repository.insert(this.row(change, actor, change.status, sides), tx));
    } catch (error) {
      await this.recordRefusal(change, actor, answeredStatus(error));
      throw error;
    }
  }

  async list(query: ListAuditQuery): Promise<Page<RsAuditEvent>> {
    return auditPage(await this.repository.list(auditListFilter(query)), query);
  }

  private async recordRefusal(change: AdminChange, actor: AdminActor, status: number): Promise<void> {
    try {
      await this.repository.insert(this.row(change, actor, status, undefined));
    } catch (error) {
      // The refusal is the answer; a trail that cannot be written is logged, never a second error.
      this.logger.error(`audit row lost (${change.action}, ${status}): ${(error as Error).message}`);
    }
  }

  private row(change: AdminChange, actor: AdminActor, status: number, sides: ChangeSides | undefined): NewAuditRow {
    const context = currentRequestContext();
    return {
      actor: storableText(actor.sub),
      // Client credentials: the subject is the client itself.
      actorType: actor.sub === actor.clientId ? 'client' : 'user',
      clientId: storableText(actor.clientId),
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId === null ? null : storableText(change.targetId),
      details: redactForAudit({
        method: change.method,
        route: change.route,
        status,
        outcome: status < 400 ? 'succeeded' : 'refused',
        change: change.change ?? null,
        ...(sides ?? {}),
      }),
      ip: context?.ip ?? null,
      requestId: context?.requestId ?? null,
    };
  }
}
