import type { ClientSnapshot, SyncEnvelope } from '#sync';
import type { ClientRecord, ScopeRecord } from './registry.js';

/** One write to the projection, decided by planChange and carried out by the repository and memory alike. */
export type RegistryChange =
  | { kind: 'client.upsert'; client: ClientRecord; scopes: string[] }
  | { kind: 'client.delete'; clientId: string }
  | { kind: 'client.scopes'; clientId: string; scopes: string[]; scopesVersion: number }
  | { kind: 'scope.upsert'; scope: ScopeRecord }
  | { kind: 'scope.delete'; name: string }
  | { kind: 'tokens.revoke'; clientId: string; grantIds: string[]; revokedBefore: Date | null; expiresAt: Date | null };

/** Versions the projection holds for the entity an envelope names (undefined: not held). */
export interface StoredVersions {
  client?: number;
  clientScopes?: number;
  scope?: number;
}

/** A redelivery or an event a snapshot already covers. */
export function isAlreadyApplied(seq: number, lastAppliedSeq: number): boolean {
  return seq <= lastAppliedSeq;
}

/** Versions, not arrival order, decide (SECURITY-CHECKLIST F-6). */
export function isNewer(incoming: number, stored: number | undefined): boolean {
  return stored === undefined || incoming > stored;
}

/** Which entity an envelope touches, so its stored versions can be read (and locked) first. */
export function entityOf(envelope: SyncEnvelope): { table: 'clients' | 'scopes'; id: string } {
  switch (envelope.kind) {
    case 'scope.upserted':
    case 'scope.deleted':
      return { table: 'scopes', id: envelope.payload.name };
    default:
      return { table: 'clients', id: envelope.payload.clientId };
  }
}

/** The change an envelope asks for, or null when the projection already holds something as new. */
export function planChange(envelope: SyncEnvelope, stored: StoredVersions): RegistryChange | null {
  const version = Number(envelope.entityVersion);
  switch (envelope.kind) {
    case 'client.upserted': {
      const payload = envelope.payload;
      if (!isNewer(payload.entityVersion ?? version, stored.client)) return null;
      return { kind: 'client.upsert', client: clientRecordOf(payload, version), scopes: [...payload.scopes] };
    }
    case 'client.deleted': {
      const payload = envelope.payload;
      // A deletion carries the version it deleted (or a later one); an older one lost the race.
      if (stored.client === undefined || (payload.entityVersion ?? version) < stored.client) return null;
      return { kind: 'client.delete', clientId: payload.clientId };
    }
    case 'client.scopes.set': {
      const payload = envelope.payload;
      const scopesVersion = payload.entityVersion ?? version;
      if (!isNewer(scopesVersion, stored.clientScopes)) return null;
      return { kind: 'client.scopes', clientId: payload.clientId, scopes: [...payload.scopes], scopesVersion };
    }
    case 'scope.upserted': {
      const payload = envelope.payload;
      if (!isNewer(payload.entityVersion ?? version, stored.scope)) return null;
      return { kind: 'scope.upsert', scope: { name: payload.name, description: payload.description ?? '', entityVersion: payload.entityVersion ?? version } };
    }
    case 'scope.deleted': {
      const payload = envelope.payload;
      if (stored.scope === undefined || (payload.entityVersion ?? version) < stored.scope) return null;
      return { kind: 'scope.delete', name: payload.name };
    }
    case 'tokens.revoked': {
      // Revocations only ever add: applying one twice changes nothing, so no version check.
      const payload = envelope.payload;
      return {
        kind: 'tokens.revoke',
        clientId: payload.clientId,
        grantIds: [...(payload.grantIds ?? [])],
        revokedBefore: payload.revokedBefore ? new Date(payload.revokedBefore) : null,
        expiresAt: payload.expiresAt ? new Date(payload.expiresAt) : null,
      };
    }
    default:
      return null;
  }
}

export function clientRecordOf(snapshot: ClientSnapshot, fallbackVersion = snapshot.entityVersion): ClientRecord {
  return {
    clientId: snapshot.clientId,
    name: snapshot.name,
    version: snapshot.version,
    type: snapshot.type,
    active: snapshot.active,
    entityVersion: Number(snapshot.entityVersion ?? fallbackVersion),
  };
}

/**
 * RFC 7009-style cut-off: every token issued before `revokedBefore` is revoked. `iat` has whole
 * seconds, so only strictly earlier seconds are judged here; the auth server names the grants of
 * the cut-off's own second in the same event (by grant id), so a token issued just after the
 * revocation, in that second, stays valid as it is at the auth server.
 */
export function isIssuedBeforeCutoff(issuedAtSeconds: number | undefined, revokedBefore: Date | undefined): boolean {
  if (!revokedBefore) return false;
  if (issuedAtSeconds === undefined) return true;
  return issuedAtSeconds < Math.floor(revokedBefore.getTime() / 1000);
}
