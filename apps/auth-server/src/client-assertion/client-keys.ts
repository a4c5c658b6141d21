import { Injectable } from '@nestjs/common';
import type { Client } from '../clients/client.js';
import { clientJwksProblem, MAX_CLIENT_JWKS_BYTES, type ClientJwks } from '../clients/client-jwks.js';
import { DocumentFetchRefused, fetchDocument, FETCH_TIMEOUT_MS } from '../client-metadata-documents/document-fetcher.js';
import { originMatches } from '../settings/origin-pattern.js';
import { SettingsService } from '../settings/settings.service.js';
import { AssertionRefused } from './assertion-refused.js';
import { importKeys, type ImportedKey } from './imported-keys.js';

/** How long a fetched key set is used before it is fetched again. */
export const JWKS_URI_TTL_MS = 5 * 60_000;
/** An unknown kid refetches at most this often per URL (a flood of random kids is no fetch storm, SECURITY-CHECKLIST RS-12). */
export const JWKS_URI_REFETCH_COOLDOWN_MS = 30_000;
/** A failed fetch is not retried for this long: the assertions meanwhile are refused without a request each. */
const JWKS_URI_FAILURE_MS = 10_000;
const MAX_CACHED_URIS = 1000;

interface RemoteSet {
  /** The set's usable keys, imported, or why it could not be had. */
  outcome: { keys: ImportedKey[] } | { refused: string };
  fetchedAt: number;
}

/** A client's keys, and a way to ask for a newer set when none fits (an unknown kid). */
export interface KeySource {
  keys: ImportedKey[];
  /** A set fetched again (jwks_uri, outside the cooldown), or null when there is nothing newer to try. */
  again(): Promise<ImportedKey[] | null>;
}

/**
 * The public keys a private_key_jwt client signs with: its inline `jwks`, or its `jwksUri`
 * fetched with the client-metadata-document fetcher (size and time limits, no redirects, public
 * addresses only unless the origin is in the `clientIdMetadataDocumentHosts` allow-list), cached
 * for five minutes and fetched again once, with a cooldown, when an assertion names an unknown
 * `kid` (the client rotated its keys). Keys are imported once (node:crypto KeyObjects): verifying
 * an assertion costs one native signature check, no import and no request.
 */
@Injectable()
export class ClientKeys {
  private readonly inline = new WeakMap<ClientJwks, ImportedKey[]>();
  private readonly remote = new Map<string, RemoteSet>();
  private readonly inFlight = new Map<string, Promise<RemoteSet>>();
  /** Settable by tests: the limits are checked with smaller ones rather than waited for. */
  limits = { maxBytes: MAX_CLIENT_JWKS_BYTES, timeoutMs: FETCH_TIMEOUT_MS };
  refetchCooldownMs = JWKS_URI_REFETCH_COOLDOWN_MS;

  constructor(private readonly settings: SettingsService) {}

  /** The client's keys; throws AssertionRefused when it has no usable key set. */
  async keysOf(client: Client): Promise<KeySource> {
    if (client.jwks) return { keys: this.inlineKeys(client.jwks), again: async () => null };
    if (!client.jwksUri) throw new AssertionRefused('the client has no registered keys');
    const uri = client.jwksUri;
    const first = await this.remoteSet(uri, false);
    return {
      keys: keysOrRefusal(first),
      again: async () => {
        const again = await this.remoteSet(uri, true);
        return again === first ? null : keysOrRefusal(again);
      },
    };
  }

  private inlineKeys(jwks: ClientJwks): ImportedKey[] {
    let keys = this.inline.get(jwks);
    if (!keys) {
      keys = importKeys(jwks);
      this.inline.set(jwks, keys);
    }
    return keys;
  }

  private async remoteSet(uri: string, refetch: boolean): Promise<RemoteSet> {
    const cached = this.remote.get(uri);
    const now = Date.now();
    if (cached) {
      const age = now - cached.fetchedAt;
      const fresh = 'refused' in cached.outcome ? age < JWKS_URI_FAILURE_MS : refetch ? age < this.refetchCooldownMs : age < JWKS_URI_TTL_MS;
      if (fresh) return cached;
    }
    let pending = this.inFlight.get(uri);
    if (!pending) {
      pending = this.fetchSet(uri).finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    return pending;
  }

  private async fetchSet(uri: string): Promise<RemoteSet> {
    const set: RemoteSet = { outcome: await this.fetchKeys(uri), fetchedAt: Date.now() };
    if (this.remote.size >= MAX_CACHED_URIS) this.remote.delete(this.remote.keys().next().value as string);
    this.remote.delete(uri);
    this.remote.set(uri, set);
    return set;
  }

  private async fetchKeys(uri: string): Promise<RemoteSet['outcome']> {
    try {
      const url = new URL(uri);
      const allowPrivate = originMatches(url, (await this.settings.get()).clientIdMetadataDocumentHosts);
      if (url.protocol !== 'https:' && !allowPrivate) return { refused: 'the jwks_uri must use https (http only for an allow-listed origin)' };
      const { body } = await fetchDocument(url, allowPrivate, this.limits);
      const jwks: unknown = JSON.parse(body);
      const problem = clientJwksProblem(jwks);
      if (problem) return { refused: `the key set at the jwks_uri ${problem}` };
      return { keys: importKeys(jwks as ClientJwks) };
    } catch (error) {
      // Whatever went wrong with the client's server refuses its assertions, never a 500.
      const reason = error instanceof DocumentFetchRefused ? error.message.replace(/the metadata document( URL)?/g, 'the jwks_uri').replace(/the client_id URL/g, 'the jwks_uri') : `the jwks_uri could not be read: ${(error as Error).message}`;
      return { refused: reason };
    }
  }
}

function keysOrRefusal(set: RemoteSet): ImportedKey[] {
  const { outcome } = set;
  if ('refused' in outcome) throw new AssertionRefused(outcome.refused);
  return outcome.keys;
}
