import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

const AUDIT_CHANGE = 'portcullis:audit-change';

/** What the audit trail records as a route's "change", from the request as it arrived. */
export type AuditChange = (body: unknown, query: Record<string, unknown>) => unknown;

/**
 * Records `change(body, query)` in the audit trail instead of the request body. The audit
 * interceptor takes it before pipes and handler run, so a request refused by validation is
 * recorded the same way as one that succeeds: for a body too large or too secret to keep whole.
 */
export function AuditChangeAs(change: AuditChange): MethodDecorator {
  return SetMetadata(AUDIT_CHANGE, change);
}

/** The route's AuditChangeAs, if it has one. */
export function auditChangeOf(reflector: Reflector, context: ExecutionContext): AuditChange | undefined {
  return reflector.get<AuditChange | undefined>(AUDIT_CHANGE, context.getHandler());
}
