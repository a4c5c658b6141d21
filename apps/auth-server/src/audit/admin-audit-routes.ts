/** What an admin mutation is called in the audit trail, and which route parameter names its target. */
export interface AdminAuditRoute {
  action: string;
  targetType: string;
  targetParam?: string;
  /** The target's registered view (AuditTargets) is recorded as "before" and "after" the change. */
  withViews?: boolean;
  /** The created target's id field in the response, when not the first of createdTargetId's. */
  createdIdField?: string;
}

/** Keyed by "METHOD route-pattern" (Fastify's routeOptions.url). Unknown routes fall back below. */
const ROUTES: Record<string, AdminAuditRoute> = {
  'POST /admin/v1/clients': { action: 'client.created', targetType: 'client' },
  'PATCH /admin/v1/clients/:clientId': { action: 'client.updated', targetType: 'client', targetParam: 'clientId', withViews: true },
  'DELETE /admin/v1/clients/:clientId': { action: 'client.deleted', targetType: 'client', targetParam: 'clientId', withViews: true },
  'POST /admin/v1/clients/:clientId/secret': { action: 'client.secret.rotated', targetType: 'client', targetParam: 'clientId', withViews: true },
  'POST /admin/v1/clients/:clientId/scopes': { action: 'client.scopes.associated', targetType: 'client', targetParam: 'clientId', withViews: true },
  'PUT /admin/v1/clients/:clientId/scopes/:name': { action: 'client.scope.associated', targetType: 'client', targetParam: 'clientId', withViews: true },
  // Several at once is the same operation, so the same action: a filter on it finds both kinds.
  'PATCH /admin/v1/clients/:clientId/scopes': { action: 'client.scope.associated', targetType: 'client', targetParam: 'clientId', withViews: true },
  'DELETE /admin/v1/clients/:clientId/scopes/:name': { action: 'client.scope.dissociated', targetType: 'client', targetParam: 'clientId', withViews: true },
  'DELETE /admin/v1/clients/:clientId/tokens': { action: 'client.tokens.revoked', targetType: 'client', targetParam: 'clientId' },
  'POST /admin/v1/scopes': { action: 'scope.created', targetType: 'scope' },
  'PATCH /admin/v1/scopes/:name': { action: 'scope.updated', targetType: 'scope', targetParam: 'name', withViews: true },
  'DELETE /admin/v1/scopes/:name': { action: 'scope.deleted', targetType: 'scope', targetParam: 'name', withViews: true },
  'POST /admin/v1/resources': { action: 'resource.created', targetType: 'resource', createdIdField: 'id' },
  'PATCH /admin/v1/resources/:id': { action: 'resource.updated', targetType: 'resource', targetParam: 'id', withViews: true },
  'DELETE /admin/v1/resources/:id': { action: 'resource.deleted', targetType: 'resource', targetParam: 'id', withViews: true },
  'POST /admin/v1/users': { action: 'user.created', targetType: 'user' },
  'PATCH /admin/v1/users/:id': { action: 'user.updated', targetType: 'user', targetParam: 'id', withViews: true },
  'DELETE /admin/v1/users/:id': { action: 'user.deleted', targetType: 'user', targetParam: 'id', withViews: true },
  'DELETE /admin/v1/users/:id/sessions/:sessionId': { action: 'user.session.ended', targetType: 'session', targetParam: 'sessionId', withViews: true },
  'DELETE /admin/v1/users/:id/consents/:consentId': { action: 'user.consent.revoked', targetType: 'consent', targetParam: 'consentId', withViews: true },
  'PATCH /admin/v1/settings': { action: 'settings.updated', targetType: 'settings', withViews: true },
  'POST /admin/v1/initial-access-tokens': { action: 'initial_access_token.created', targetType: 'initial_access_token' },
  'POST /admin/v1/keys/rotate': { action: 'keys.rotated', targetType: 'signing_key' },
  'DELETE /admin/v1/tokens/:id': { action: 'token.revoked', targetType: 'grant', targetParam: 'id' },
  'POST /admin/v1/import': { action: 'registry.import', targetType: 'registry' },
};

export function adminAuditRoute(method: string, routeUrl: string): AdminAuditRoute {
  return ROUTES[`${method} ${routeUrl}`] ?? { action: `admin.${method.toLowerCase()}`, targetType: routeUrl };
}

/** A created resource's id comes from the response (the request had none yet). */
export function createdTargetId(response: unknown, idField?: string): string | null {
  if (typeof response !== 'object' || response === null) return null;
  const body = response as Record<string, unknown>;
  for (const key of idField ? [idField] : ['clientId', 'name', 'id', 'kid']) if (typeof body[key] === 'string') return body[key];
  return null;
}
