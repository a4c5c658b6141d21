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
