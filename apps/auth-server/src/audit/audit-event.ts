import type { AuditActor, AuditActorType } from '#audit';

export type { AuditActor, AuditActorType, AuditEvent } from '#audit';

/**
 * One audit row as the code records it. Actions are dotted names: client.created, client.updated,
 * client.deleted, client.secret.rotated, scope.*, user.*, settings.updated, keys.rotated,
 * login.succeeded, login.failed, token.issued, token.refreshed, token.revoked, token.reuse_detected,
 * token.dpop_refused.
 */
export interface AuditEventInput {
  action: string;
  /** Defaults to the request's actor (set by the admin interceptor), else anonymous. */
  actor?: AuditActor;
  targetType?: string | null;
  targetId?: string | null;
  /** Redacted before it is stored (redact.ts). */
  details?: Record<string, unknown>;
}

/** A row waiting in AuditWriter's buffer: everything fixed at the moment it happened. */
export interface PendingAuditRow {
  occurredAt: Date;
  actor: string | null;
  actorType: AuditActorType;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
  requestId: string | null;
}
