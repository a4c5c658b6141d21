/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), capped at 128 characters here. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

export function isScopeToken(name: string): boolean {
  return SCOPE_TOKEN.test(name);
}

export interface Scope {
  name: string;
  description: string;
  /** A user permission the scope requires (CONTRACT "Privileged scopes"); null: anyone. */
  requiredPermission: string | null;
  entityVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The admin API's JSON for a scope. */
export interface ScopeView {
  name: string;
  description: string;
  requiredPermission: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a scope change may set (PATCH /admin/v1/scopes/{name}); an absent field stays. */
export interface ScopeChanges {
  description?: string;
  requiredPermission?: string | null;
}

/** The scope.upserted payload (libs/sync ScopeSnapshot). */
export function toScopeSnapshot(scope: Scope): { name: string; description: string; requiredPermission: string | null; entityVersion: number } {
  return { name: scope.name, description: scope.description, requiredPermission: scope.requiredPermission, entityVersion: scope.entityVersion };
}

export function toScopeView(scope: Scope): ScopeView {
  return {
    name: scope.name,
    description: scope.description,
    requiredPermission: scope.requiredPermission,
    createdAt: scope.createdAt.toISOString(),
    updatedAt: scope.updatedAt.toISOString(),
  };
}
