import { Permissions, type Permission } from '../common/permissions.js';
import type { CreateResourceDto } from '../resources/dto/create-resource.dto.js';
import type { CreateScopeDto } from '../scopes/dto/create-scope.dto.js';
import type { Settings } from '../settings/settings.js';
import type { UpdateSettingsBody } from '../settings/update-settings.body.js';
import type { UserProfile } from '../users/profile/user-profile.js';
import type { ImportedUserDto } from './dto/imported-user.dto.js';
import { sameValue, sorted, type PlanContext, type RegistryState, type ReportRow, type ResourceWrite, type ScopeWrite, type UserWrite } from './import-plan.js';

/** The settings the file names, merged as PATCH /admin/v1/settings merges them; null when nothing changes. */
export function planSettings(body: UpdateSettingsBody | undefined, current: Settings): { report: ReportRow[]; changes: Partial<Settings> | null } {
  if (!body) return { report: [], changes: null };
  const given = defined(body as Record<string, unknown>) as Partial<Settings>;
  if (given.registrationPolicy) given.registrationPolicy = { ...current.registrationPolicy, ...defined(given.registrationPolicy as unknown as Record<string, unknown>) };
  const changed = (Object.keys(given) as (keyof Settings)[]).filter((key) => !sameValue(given[key], current[key]));
  const at = { section: 'settings' as const, index: null, key: 'settings' };
  if (changed.length === 0) return { report: [{ ...at, action: 'unchanged' }], changes: null };
  return { report: [{ ...at, action: 'update', changes: changed }], changes: Object.fromEntries(changed.map((key) => [key, given[key]])) as Partial<Settings> };
}

/** Scopes by name: new ones are created, a changed description or required permission is updated. */
export function planScopes(rows: CreateScopeDto[], state: RegistryState): { report: ReportRow[]; writes: ScopeWrite[] } {
  const report: ReportRow[] = [];
  const writes: ScopeWrite[] = [];
  rows.forEach((row, index) => {
    const at = { section: 'scopes' as const, index, key: row.name };
    const stored = state.scopes.get(row.name);
    const next = { name: row.name, description: row.description ?? stored?.description ?? '', requiredPermission: row.requiredPermission === undefined ? (stored?.requiredPermission ?? null) : row.requiredPermission };
    if (!stored) {
      report.push({ ...at, action: 'create' });
      writes.push({ kind: 'create', ...next });
      return;
    }
    const changes = (['description', 'requiredPermission'] as const).filter((field) => stored[field] !== next[field]);
    report.push(changes.length === 0 ? { ...at, action: 'unchanged' } : { ...at, action: 'update', changes });
    if (changes.length > 0) writes.push({ kind: 'update', ...next });
  });
  return { report, writes };
}

/**
 * Users by username (without regard to case). A row without a password hash creates a user who
 * cannot log in yet, and leaves an existing user's password alone. Refused when no active admin
 * would remain (as PATCH /admin/v1/users refuses it).
 */
export function planUsers(rows: ImportedUserDto[], state: RegistryState): { report: ReportRow[]; writes: UserWrite[] } {
  const report: ReportRow[] = [];
  const writes: UserWrite[] = [];
  rows.forEach((row, index) => {
    const at = { section: 'users' as const, index, key: row.username };
    const stored = state.users.get(row.username.toLowerCase());
    const next = {
      username: stored?.username ?? row.username,
      permissions: sorted(row.permissions ?? stored?.permissions ?? []) as Permission[],
      active: row.active ?? stored?.active ?? true,
      profile: row.profile === undefined ? withoutUpdatedAt(stored?.profile ?? {}) : (defined(row.profile as Record<string, unknown>) as UserProfile),
    };
    if (!stored) {
      report.push({ ...at, action: 'create' });
      writes.push({ kind: 'create', ...next, passwordHash: row.passwordHash ?? null, deactivated: false });
      return;
    }
    const changes: string[] = [];
    if (!sameValue(sorted(stored.permissions), next.permissions)) changes.push('permissions');
    if (stored.active !== next.active) changes.push('active');
    if (!sameValue(withoutUpdatedAt(stored.profile), next.profile)) changes.push('profile');
    if (row.passwordHash && row.passwordHash !== stored.passwordHash) changes.push('passwordHash');
    report.push(changes.length === 0 ? { ...at, action: 'unchanged' } : { ...at, action: 'update', changes });
    if (changes.length > 0) writes.push({ kind: 'update', id: stored.id, ...next, passwordHash: row.passwordHash ?? undefined, deactivated: stored.active && !next.active });
  });
  return { report: refuseWithoutAdmin(report, writes, state), writes };
}

/** The rows that take away the last active admin become conflicts. */
function refuseWithoutAdmin(report: ReportRow[], writes: UserWrite[], state: RegistryState): ReportRow[] {
  const isAdmin = (user: { active: boolean; permissions: Permission[] }) => user.active && user.permissions.includes(Permissions.accessControl);
  const after = new Map([...state.users].map(([key, user]) => [key, isAdmin(user)]));
  for (const write of writes) after.set(write.username.toLowerCase(), isAdmin(write));
  if ([...after.values()].some(Boolean)) return report;
  const demoted = new Set(writes.filter((write) => write.kind === 'update').map((write) => write.username.toLowerCase()));
  return report.map((row) =>
    demoted.has(row.key.toLowerCase()) ? { section: row.section, index: row.index, key: row.key, action: 'conflict', reason: 'no active user with access_control would remain' } : row,
  );
}

/** Resources by identifier; their scopes and representing client must exist on the server or in the file. */
export function planResources(
  rows: CreateResourceDto[],
  state: RegistryState,
  known: { scopes: ReadonlySet<string>; clients: ReadonlySet<string> },
  context: PlanContext,
): { report: ReportRow[]; writes: ResourceWrite[] } {
  const report: ReportRow[] = [];
  const writes: ResourceWrite[] = [];
  rows.forEach((row, index) => {
    const at = { section: 'resources' as const, index, key: row.identifier };
    if (context.reservedResources.has(row.identifier)) {
      report.push({ ...at, action: 'skipped', reason: "this server's own admin API (AUTH_ISSUER) is provisioned by the server itself and is never imported" });
      return;
    }
    const stored = state.resources.get(row.identifier);
    const fields = {
      identifier: row.identifier,
      name: row.name,
      scopes: sorted(row.scopes ?? stored?.scopes ?? []),
      accessTokenLifetimeSeconds: row.accessTokenLifetimeSeconds === undefined ? (stored?.accessTokenLifetimeSeconds ?? null) : row.accessTokenLifetimeSeconds,
      clientId: row.clientId === undefined ? (stored?.clientId ?? null) : row.clientId,
    };
    const unknownScopes = fields.scopes.filter((scope) => !known.scopes.has(scope));
    const conflict =
      unknownScopes.length > 0
        ? `no scope named ${unknownScopes.join(', ')} on this server or in the file`
        : fields.clientId !== null && !known.clients.has(fields.clientId)
          ? `no client with the id ${fields.clientId} on this server or in the file`
          : null;
    if (conflict) {
      report.push({ ...at, action: 'conflict', reason: conflict });
      return;
    }
    if (!stored) {
      report.push({ ...at, action: 'create' });
      writes.push({ kind: 'create', fields });
      return;
    }
    const changes = (['name', 'scopes', 'accessTokenLifetimeSeconds', 'clientId'] as const).filter((field) => !sameValue(stored[field], fields[field]));
    report.push(changes.length === 0 ? { ...at, action: 'unchanged' } : { ...at, action: 'update', changes });
    if (changes.length > 0) writes.push({ kind: 'update', id: stored.id, fields });
  });
  return { report, writes };
}

/** The claims without updated_at, which the importing server sets itself. */
export function withoutUpdatedAt(profile: UserProfile): UserProfile {
  return Object.fromEntries(Object.entries(profile).filter(([claim]) => claim !== 'updated_at')) as UserProfile;
}

function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null));
}
