import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';
import { AuthorizationRequests1763800000100 } from './1763800000100-authorization-requests.js';
import { AuditEvents1763800000200 } from './1763800000200-audit-events.js';
import { GrantsAsIssueLedger1763800000300 } from './1763800000300-grants-as-issue-ledger.js';
import { PendingRequestsPerIp1763800000700 } from './1763800000700-pending-requests-per-ip.js';

/** Every migration, in order. Add new ones at the end. */
export const authServerMigrations = [
  InitialSchema1763800000000,
  AuthorizationRequests1763800000100,
  AuditEvents1763800000200,
  GrantsAsIssueLedger1763800000300,
  PendingRequestsPerIp1763800000700,
];
