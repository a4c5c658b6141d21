import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { redactForAudit, storableText } from '#audit';
import { currentRequestContext, type RequestContext } from '#observability';
import type { AuditEventInput, PendingAuditRow } from './audit-event.js';
import { AuditEventsRepository } from './audit-events.repository.js';

/** A batch is written when it reaches this many rows, or this long after its first row. */
export const AUDIT_BATCH_ROWS = 100;
export const AUDIT_FLUSH_MS = 200;
/** Past this (the database away for long), the oldest rows are dropped rather than memory growing. */
const MAX_BUFFERED_ROWS = 10_000;

/**
 * The only way rows reach audit_events. record() is a synchronous push into memory, so the token
 * hot path never waits on the audit INSERT; rows go out in multi-row INSERTs, one at a time, and
 * whatever is left is written when the app shuts down.
 */
@Injectable()
export class AuditWriter implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditWriter.name);
  private buffer: PendingAuditRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly repository: AuditEventsRepository) {}

  /** `context`: the request's, handed over by the routes that pass it by hand (EXPLICIT_REQUEST_CONTEXT). */
  record(event: AuditEventInput, context: RequestContext | undefined = currentRequestContext()): void {
    const actor = event.actor ?? (context?.actor ? { type: context.actor.type, id: context.actor.id } : { type: 'anonymous' as const, id: null });
    this.buffer.push({
      occurredAt: new Date(),
      actor: actor.id === null ? null : storableText(actor.id),
      actorType: actor.type,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId == null ? null : storableText(event.targetId),
      details: event.details ? redactForAudit(event.details) : {},
      ip: context?.ip ?? null,
      requestId: context?.requestId ?? null,
    });
    if (this.buffer.length > MAX_BUFFERED_ROWS) this.buffer.splice(0, this.buffer.length - MAX_BUFFERED_ROWS);
    if (this.buffer.length >= AUDIT_BATCH_ROWS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), AUDIT_FLUSH_MS).unref();
  }

  /** Writes everything buffered so far; resolves when it is stored (or the failure is logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    if (rows.length > 0) this.writing = this.writing.then(() => this.write(rows));
    return this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** Requests still finishing after onModuleDestroy: once more, before the DataSource closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async write(rows: PendingAuditRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += AUDIT_BATCH_ROWS) {
      const batch = rows.slice(start, start + AUDIT_BATCH_ROWS);
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        if (batch.length === 1) this.logger.error(`audit row lost (${batch[0].action}): ${(error as Error).message}`);
        // One row the database refuses must not take its neighbours with it.
        else await this.writeRowByRow(batch);
      }
    }
  }

  private async writeRowByRow(rows: PendingAuditRow[]): Promise<void> {
    for (const row of rows) await this.write([row]);
  }
}
