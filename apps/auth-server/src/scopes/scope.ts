/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), capped at 128 characters here. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

export function isScopeToken(name: string): boolean {
  return SCOPE_TOKEN.test(name);
}

export interface Scope {
  name: string;
  description: string;
  entityVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The admin API's JSON for a scope. */
export interface ScopeView {
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export function toScopeView(scope: Scope): ScopeView {
  return { name: scope.name, description: scope.description, createdAt: scope.createdAt.toISOString(), updatedAt: scope.updatedAt.toISOString() };
}
