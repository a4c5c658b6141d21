/**
 * The contract between the auth server and every resource server. Payloads are snapshots built
 * from DTOs, never TypeORM entities. Each event carries the entity's version; consumers apply an
 * event only when its version is newer than what they hold, which makes redelivery harmless.
 */
import type { ClientType } from '#oauth';

export const SYNC_SCHEMA_VERSION = 1;

export const SyncEvents = {
  clientUpserted: 'client.upserted',
  clientDeleted: 'client.deleted',
  scopeUpserted: 'scope.upserted',
  scopeDeleted: 'scope.deleted',
  clientScopesSet: 'client.scopes.set',
  tokensRevoked: 'tokens.revoked',
} as const;

export type SyncEventKind = (typeof SyncEvents)[keyof typeof SyncEvents];

export interface ClientSnapshot {
  clientId: string;
  name: string;
  version: string;
  type: ClientType;
  active: boolean;
  scopes: string[];
  entityVersion: number;
}

export interface ScopeSnapshot {
  name: string;
  description: string;
  /** The user permission the auth server requires to issue the scope; resource servers may ignore it. */
  requiredPermission: string | null;
  entityVersion: number;
}

export interface TokensRevoked {
  clientId: string;
  /** Grant ids (the `gid` claim of access tokens) revoked one by one. */
  grantIds?: string[];
  /** Every token of the client issued at or before this instant (ISO 8601) is revoked. */
  revokedBefore?: string;
  /** When the last of the revoked tokens expires anyway (ISO 8601); null means never. */
  expiresAt?: string | null;
}

export interface SyncEventPayloads {
  'client.upserted': ClientSnapshot;
  'client.deleted': { clientId: string; entityVersion: number };
  'scope.upserted': ScopeSnapshot;
  'scope.deleted': { name: string; entityVersion: number };
  'client.scopes.set': { clientId: string; scopes: string[]; entityVersion: number };
  'tokens.revoked': TokensRevoked;
}

/** The fields every event carries, whatever its kind. */
interface EnvelopeOf<K extends SyncEventKind> {
  /** The outbox sequence number: strictly increasing in commit order. */
  seq: number;
  /**
   * The seq of the event published just before this one (0 for the first). A rolled-back
   * transaction burns a seq, so consecutive events may differ by more than one; a consumer has
   * missed something only when prevSeq is above what it applied. Absent: taken as seq - 1.
   */
  prevSeq?: number;
  kind: K;
  entityId: string;
  entityVersion: number;
  occurredAt: string;
  payload: SyncEventPayloads[K];
}

/**
 * An event as it travels: a union discriminated by `kind`, so that checking the kind types the
 * payload (`SyncEnvelope<'client.upserted'>` is one kind's envelope).
 */
export type SyncEnvelope<K extends SyncEventKind = SyncEventKind> = { [Kind in K]: EnvelopeOf<Kind> }[K];

/** What the auth server's snapshot endpoint answers. */
export interface RegistrySnapshot {
  schemaVersion: number;
  /** Events up to and including this seq are reflected in the snapshot. */
  seq: number;
  clients: ClientSnapshot[];
  scopes: ScopeSnapshot[];
  revocations: TokensRevoked[];
}
