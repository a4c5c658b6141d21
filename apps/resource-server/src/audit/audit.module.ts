import { Module } from '@nestjs/common';
import { AdminAuditRepository } from './admin-audit.repository.js';
import { AdminAudit } from './admin-audit.js';

/** The resource server's admin audit trail (table audit_events); its GET route is admin/audit-admin.controller.ts. */
@Module({ providers: [AdminAuditRepository, AdminAudit], exports: [AdminAudit, AdminAuditRepository] })
export class AdminAuditModule {}
