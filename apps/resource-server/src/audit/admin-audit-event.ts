import type { AuditActorType, AuditEvent } from '#audit';

/** A row of the resource server's trail as GET /admin/v1/audit answers it: the auth server's shape, plus the admin token's client. */
export interface RsAuditEvent extends AuditEvent {
  clientId: string | null;
}

/** A row about to be written: everything fixed at the moment it happened, details already redacted. */
export interface NewAuditRow {
  actor: string | null;
  actorType: AuditActorType;
  clientId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  ip: string | null;
  requestId: string | null;
}
