import { Injectable } from '@nestjs/common';
import type { RegistryChange } from './apply-rules.js';
import type { ClientRecord, ProjectedClient, RegistryRows, ScopeRecord, SyncState } from './registry.js';

type ChangeListener = () => void;

/**
 * The registry held in memory so that a request needs no database round trip. It mirrors the
 * database: loaded from it at start and after a snapshot, and updated by the sync handlers only
 * after their transaction committed.
 */
@Injectable()
export class RegistryProjection {
  private clients = new Map<string, ProjectedClient>();
  private scopes = new Map<string, ScopeRecord>();
  /**
   * Revoked grant id -> its access tokens' expiry in epoch seconds (0: none known). A number, not a
   * Date: 100k revoked ids would otherwise hold 100k Date objects (memory, docs/performance.md).
   */
  private revokedGrants = new Map<string, number>();
  private clientRevocations = new Map<string, Date>();
  private state: SyncState = { lastAppliedSeq: 0, snapshotLoadedAt: null, updatedAt: new Date(0) };
  private readonly listeners: ChangeListener[] = [];
  private changes = 0;

  replaceAll(rows: RegistryRows): void {
    this.clients = new Map(rows.clients.map((client) => [client.clientId, client]));
    this.scopes = new Map(rows.scopes.map((scope) => [scope.name, scope]));
    const revokedGrants = new Map<string, number>();
    for (const grant of rows.revokedGrants) revokedGrants.set(grant.grantId, expirySeconds(grant.expiresAt));
    this.revokedGrants = revokedGrants;
    this.clientRevocations = new Map(rows.clientRevocations.map((row) => [row.clientId, row.revokedBefore]));
    this.state = rows.state;
    this.changed();
  }

  applyChange(change: RegistryChange): void {
    switch (change.kind) {
      case 'client.upsert':
        this.upsertClient(change.client, change.scopes);
        break;
      case 'client.delete':
        this.clients.delete(change.clientId);
        break;
      case 'client.scopes': {
        const client = this.clients.get(change.clientId);
        if (client) this.clients.set(change.clientId, { ...client, scopes: new Set(change.scopes), scopesVersion: change.scopesVersion });
        break;
      }
      case 'scope.upsert':
        this.scopes.set(change.scope.name, change.scope);
        break;
      case 'scope.delete':
        this.scopes.delete(change.name);
        break;
      case 'tokens.revoke':
        for (const grantId of change.grantIds) this.revokedGrants.set(grantId, expirySeconds(change.expiresAt));
        if (change.revokedBefore) {
          const current = this.clientRevocations.get(change.clientId);
          if (!current || current < change.revokedBefore) this.clientRevocations.set(change.clientId, change.revokedBefore);
        }
        break;
    }
    this.changed();
  }

  setEnabled(clientId: string, enabled: boolean): void {
    const client = this.clients.get(clientId);
    if (client) this.clients.set(clientId, { ...client, enabled });
    this.changed();
  }

  /** A client as a sibling worker left it in the database (undefined: deleted). */
  putClient(clientId: string, client: ProjectedClient | undefined): void {
    if (client) this.clients.set(clientId, client);
    else this.clients.delete(clientId);
    this.changed();
  }

  /** A scope as a sibling worker left it in the database (undefined: deleted). */
  putScope(name: string, scope: ScopeRecord | undefined): void {
    if (scope) this.scopes.set(name, scope);
    else this.scopes.delete(name);
    this.changed();
  }

  setLastAppliedSeq(seq: number): void {
    this.state = { ...this.state, lastAppliedSeq: Math.max(this.state.lastAppliedSeq, seq), updatedAt: new Date() };
  }

  purgeExpiredGrants(now = new Date()): void {
    const nowSeconds = now.getTime() / 1000;
    const before = this.revokedGrants.size;
    for (const [grantId, expiresAt] of this.revokedGrants) if (expiresAt !== 0 && expiresAt < nowSeconds) this.revokedGrants.delete(grantId);
    if (this.revokedGrants.size !== before) this.changes++;
  }

  /**
   * Bumped by every change to what token admission reads (clients, scopes, revocations): a result
   * computed at one version holds for as long as the version is the same.
   */
  version(): number {
    return this.changes;
  }

  /** Called after every change (cache invalidation). */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  client(clientId: string): ProjectedClient | undefined {
    return this.clients.get(clientId);
  }

  allClients(): ProjectedClient[] {
    return [...this.clients.values()].sort((a, b) => a.clientId.localeCompare(b.clientId));
  }

  scope(name: string): ScopeRecord | undefined {
    return this.scopes.get(name);
  }

  allScopes(): ScopeRecord[] {
    return [...this.scopes.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  isGrantRevoked(grantId: string): boolean {
    return this.revokedGrants.has(grantId);
  }

  clientRevokedBefore(clientId: string): Date | undefined {
    return this.clientRevocations.get(clientId);
  }

  syncState(): SyncState {
    return this.state;
  }

  isReady(): boolean {
    return this.state.snapshotLoadedAt !== null;
  }

  private upsertClient(record: ClientRecord, scopes: string[]): void {
    const existing = this.clients.get(record.clientId);
    this.clients.set(record.clientId, { ...record, enabled: existing?.enabled ?? true, scopes: new Set(scopes), scopesVersion: existing?.scopesVersion ?? 0 });
  }

  private changed(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }
}

/** Epoch seconds (whole, rounded up so that an entry is never purged early), 0 for no expiry. */
function expirySeconds(expiresAt: Date | null | undefined): number {
  return expiresAt ? Math.ceil(expiresAt.getTime() / 1000) : 0;
}
