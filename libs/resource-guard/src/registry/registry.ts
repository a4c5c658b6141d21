import type { ClientType } from '#oauth';

/** The resource server's view of the auth server's registry (plain data, no entities). */
export interface ClientRecord {
  clientId: string;
  name: string;
  version: string;
  type: ClientType;
  /** Set by the auth server. */
  active: boolean;
  entityVersion: number;
}

export interface ProjectedClient extends ClientRecord {
  /** Local to this resource server (CONTRACT stage 5): no event or resync changes it. */
  enabled: boolean;
  scopes: ReadonlySet<string>;
  /** Version of the last client.scopes.set applied (0: scopes came with an upsert or a snapshot). */
  scopesVersion: number;
}

export interface ScopeRecord {
  name: string;
  description: string;
  entityVersion: number;
}

export interface SyncState {
  lastAppliedSeq: number;
  /** null until the first snapshot: protected routes answer 503 until then (fail closed). */
  snapshotLoadedAt: Date | null;
  updatedAt: Date;
}

/** Everything the projection holds, as loaded from the database. */
export interface RegistryRows {
  clients: ProjectedClient[];
  scopes: ScopeRecord[];
  revokedGrants: { grantId: string; clientId: string; expiresAt: Date | null }[];
  clientRevocations: { clientId: string; revokedBefore: Date }[];
  state: SyncState;
}
