import { createHash } from 'node:crypto';
import type { AuthenticatedAccess } from '#resource-guard';
import type { BasicCredentials } from './basic-credentials.js';

/** What a successful check at the auth server proved, and about which version of the client. */
export interface CheckedCredentials {
  clientId: string;
  /** The client's entityVersion in the registry when the check was made: an upsert (secret rotated, deactivated, changed) drops the entry. */
  entityVersion: number;
  /** Epoch milliseconds. */
  deadline: number;
  /** The identity computed for it, and the registry version it was computed at (RegistryProjection.version()): reused while nothing changed. */
  memo?: { version: number; access: Readonly<AuthenticatedAccess> };
}

/**
 * Credentials the auth server accepted a moment ago, so that the next calls with them are not a
 * round trip each. Keyed by a SHA-256 of the id and secret: the secret itself is never held. An
 * entry counts only while the registry still shows the client at the version it had then
 * (`isCurrent`): a rotated secret, a deactivation or any other change at the auth server comes as
 * a client.upserted with a new version; a deletion leaves no client; a local disable is read at
 * each use. Bounded: the oldest entry goes first.
 */
export class CheckedCredentialsCache {
  private readonly entries = new Map<string, CheckedCredentials>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(credentials: BasicCredentials, isCurrent: (entry: CheckedCredentials) => boolean): CheckedCredentials | undefined {
    const key = keyOf(credentials);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.deadline <= this.now() || entry.clientId !== credentials.clientId || !isCurrent(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(credentials: BasicCredentials, entityVersion: number): void {
    const key = keyOf(credentials);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { clientId: credentials.clientId, entityVersion, deadline: this.now() + this.maxAgeMs });
  }

  /** Every entry of a client (deleted, deactivated, disabled here). */
  forget(clientId: string): void {
    for (const [key, entry] of this.entries) if (entry.clientId === clientId) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A length-prefixed id, so that no two (id, secret) pairs hash the same input. */
function keyOf({ clientId, secret }: BasicCredentials): string {
  return createHash('sha256').update(`${clientId.length}:${clientId}:${secret}`).digest('base64url');
}
