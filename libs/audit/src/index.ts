export type { AuditActor, AuditActorType, AuditEvent } from './audit-event.js';
export { auditKeysetOf, auditPage, type AuditKeyset } from './audit-page.js';
export { ListAuditQuery } from './list-audit.query.js';
export { REDACTED, redactForAudit, storableText } from './redact.js';
