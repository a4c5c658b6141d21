import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';
import { AuthorizationRequests1763800000100 } from './1763800000100-authorization-requests.js';
import { AuditEvents1763800000200 } from './1763800000200-audit-events.js';
import { GrantsAsIssueLedger1763800000300 } from './1763800000300-grants-as-issue-ledger.js';
import { ScopeRequiredPermission1763800000400 } from './1763800000400-scope-required-permission.js';
import { GrantRevocationRecords1763800000500 } from './1763800000500-grant-revocation-records.js';
import { ClientIntrospectionFlag1763800000600 } from './1763800000600-client-introspection-flag.js';
import { PendingRequestsPerIp1763800000700 } from './1763800000700-pending-requests-per-ip.js';
import { OpenIdConnectTokens1765000000000 } from './1765000000000-openid-connect-tokens.js';
import { UserProfiles1765100000000 } from './1765100000000-user-profiles.js';
import { BrowserSessions1765200000000 } from './1765200000000-browser-sessions.js';
import { Retention1765500000000 } from './1765500000000-retention.js';
import { DynamicRegistration1766100000000 } from './1766100000000-dynamic-registration.js';
import { Resources1766000000000 } from './1766000000000-resources.js';
import { FlatCostIndexes1766300000000 } from './1766300000000-flat-cost-indexes.js';
import { DeviceRequests1766400000000 } from './1766400000000-device-requests.js';
import { TokenExchange1766500000000 } from './1766500000000-token-exchange.js';
import { ClientAuthenticationAndPar1766600000000 } from './1766600000000-client-authentication-and-par.js';
import { Dpop1766700000000 } from './1766700000000-dpop.js';
import { ActivityMinutes1766900000000 } from './1766900000000-activity-minutes.js';
import { CodeDpopBinding1766950000000 } from './1766950000000-code-dpop-binding.js';
import { PushedRequestsPerIp1766960000000 } from './1766960000000-pushed-requests-per-ip.js';
import { DeviceRequestGrant1766970000000 } from './1766970000000-device-request-grant.js';

/** Every migration, in order. Add new ones at the end. */
export const authServerMigrations = [
  InitialSchema1763800000000,
  AuthorizationRequests1763800000100,
  AuditEvents1763800000200,
  GrantsAsIssueLedger1763800000300,
  ScopeRequiredPermission1763800000400,
  GrantRevocationRecords1763800000500,
  ClientIntrospectionFlag1763800000600,
  PendingRequestsPerIp1763800000700,
  OpenIdConnectTokens1765000000000,
  UserProfiles1765100000000,
  BrowserSessions1765200000000,
  Retention1765500000000,
  Resources1766000000000,
  DynamicRegistration1766100000000,
  FlatCostIndexes1766300000000,
  DeviceRequests1766400000000,
  TokenExchange1766500000000,
  ClientAuthenticationAndPar1766600000000,
  Dpop1766700000000,
  ActivityMinutes1766900000000,
  CodeDpopBinding1766950000000,
  PushedRequestsPerIp1766960000000,
  DeviceRequestGrant1766970000000,
];
