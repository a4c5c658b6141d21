/** Who did it: a username, a client id, or nobody known (a failed login has no actor yet). */
export type AuditActorType = 'user' | 'client' | 'anonymous';

export interface AuditActor {
  type: AuditActorType;
  id: string | null;
}

/** One audit row as GET /admin/v1/audit answers it (the auth server's and the resource server's trail). */
export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: string | null;
  actorType: AuditActorType;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
}
