export type { AuditActor, AuditActorType, AuditEvent } from './audit-event.js';
export { auditListFilter, auditPage, type AuditListFilter } from './audit-page.js';
export { AUDIT_EVENT_SELECT, auditConditions, auditEventOf, type AuditEventRow, type BindParameter } from './audit-rows.js';
export { ListAuditQuery } from './list-audit.query.js';
export { REDACTED, redactForAudit, storableText } from './redact.js';
