import type { Client } from '../clients/client.js';
import type { ClientFields, SecretFields } from '../clients/client-writes.repository.js';
import type { Permission } from '../common/permissions.js';
import type { Resource, ResourceFields } from '../resources/resource.js';
import type { Scope } from '../scopes/scope.js';
import type { Settings } from '../settings/settings.js';
import type { UserProfile } from '../users/profile/user-profile.js';

/** What the server holds, read inside the import's transaction. */
export interface RegistryState {
  settings: Settings;
  /** By name. */
  scopes: Map<string, Scope>;
  /** By clientId. */
  clients: Map<string, StoredClient>;
  /** By lowercased username. */
  users: Map<string, StoredUser>;
  /** By identifier. */
  resources: Map<string, Resource>;
}

export interface StoredClient {
  client: Client;
  scopes: string[];
  secretHash: string | null;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
  secretSealed: string | null;
  previousSecretSealed: string | null;
}

export interface StoredUser {
  id: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  profile: UserProfile;
  passwordHash: string;
}

/** What the plan may ask of the server without writing: fixed inputs, so the plan is a pure function. */
export interface PlanContext {
  now: Date;
  /** Clients this installation provisions itself (the console, the resource server's client): never imported. */
  reservedClientIds: ReadonlySet<string>;
  /** Resources this installation provisions itself (its own admin API, AUTH_ISSUER). */
  reservedResources: ReadonlySet<string>;
  hashSecret(secret: string): string;
  /** A sealed client_secret_jwt secret opened with this server's key, or null. */
  openSealed(sealed: string, clientId: string): string | null;
}

export type RowAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'skipped';
export type Section = 'settings' | 'scopes' | 'clients' | 'users' | 'resources';

/** One line of the report: a row of the file and what the import does (or would do) with it. */
export interface ReportRow {
  section: Section;
  /** The row's position in its section; null for settings (one object). */
  index: number | null;
  /** What identifies the row: a scope name, client id, username, resource identifier. */
  key: string;
  action: RowAction;
  /** For update: the fields that change. */
  changes?: string[];
  /** For conflict and skipped: why. */
  reason?: string;
}

export interface ScopeWrite {
  kind: 'create' | 'update';
  name: string;
  description: string;
  requiredPermission: string | null;
}

export interface ClientWrite {
  kind: 'create' | 'update';
  clientId: string;
  /** The stored row id (update). */
  ref?: string;
  fields: ClientFields;
  /** The associations afterwards; undefined: left as they are. */
  scopes?: string[];
  /** The associations before (read in the transaction; none for a new client). */
  storedScopes: string[];
  /** Secret columns to write; a plaintext secret to seal (client_secret_jwt) is sealed when written. */
  secrets: SecretFields;
  sealFromSecret?: string;
  /** The client is deactivated by this import: its tokens are revoked as a PATCH would. */
  deactivated: boolean;
}

export interface UserWrite {
  kind: 'create' | 'update';
  id?: string;
  username: string;
  permissions: Permission[];
  active: boolean;
  profile: UserProfile;
  /** undefined on update: kept; null on create: an unusable hash is made. */
  passwordHash: string | null | undefined;
  deactivated: boolean;
}

export interface ResourceWrite {
  kind: 'create' | 'update';
  id?: string;
  fields: ResourceFields;
}

export interface ImportPlan {
  rows: ReportRow[];
  settings: Partial<Settings> | null;
  scopes: ScopeWrite[];
  clients: ClientWrite[];
  users: UserWrite[];
  resources: ResourceWrite[];
}

/** Equal as JSON, object keys in any order: how stored and imported values are compared. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

export function sorted<T extends string>(values: readonly T[]): T[] {
  return [...values].sort();
}
