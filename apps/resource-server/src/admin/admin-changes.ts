import type { AdminChange } from '../audit/admin-audit.js';

type ChangeKind = Omit<AdminChange, 'targetId' | 'change'>;

/** What each change of this admin API is called in the audit trail (as the auth server's admin-audit-routes.ts). */
export const ADMIN_CHANGES = {
  routeCreated: { action: 'route.created', targetType: 'route', method: 'POST', route: '/admin/v1/routes', status: 201 },
  routeUpdated: { action: 'route.updated', targetType: 'route', method: 'PATCH', route: '/admin/v1/routes/:id', status: 200 },
  routeDeleted: { action: 'route.deleted', targetType: 'route', method: 'DELETE', route: '/admin/v1/routes/:id', status: 204 },
  clientEnabled: { action: 'client.enabled', targetType: 'client', method: 'PATCH', route: '/admin/v1/clients/:clientId', status: 200 },
  clientDisabled: { action: 'client.disabled', targetType: 'client', method: 'PATCH', route: '/admin/v1/clients/:clientId', status: 200 },
  /** A switch whose body says neither (refused with 400). */
  clientSwitched: { action: 'client.switched', targetType: 'client', method: 'PATCH', route: '/admin/v1/clients/:clientId', status: 200 },
} satisfies Record<string, ChangeKind>;
