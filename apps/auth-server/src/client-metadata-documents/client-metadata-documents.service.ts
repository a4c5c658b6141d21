import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { SettingsService } from '../settings/settings.service.js';
import { cacheLifetimeSeconds } from './cache-lifetime.js';
import { checkClientMetadata } from './client-metadata.js';
import { DocumentClients } from './document-clients.js';
import { DocumentFetchRefused, fetchDocument, FETCH_TIMEOUT_MS, MAX_DOCUMENT_BYTES, type FetchLimits } from './document-fetcher.js';
import { checkDocumentUrl } from './document-url.js';

/** A document client, or why the client_id cannot be used; null when the feature is off. */
export type DocumentResolution = { client: Client } | { refused: string };

/** Documents kept at once; beyond it the oldest entry goes. */
const MAX_CACHED_DOCUMENTS = 1000;
/** A refused document is not fetched again for this long (no fetch, no audit row per request). */
const REFUSAL_CACHE_MS = 10_000;

interface CachedResolution {
  resolution: DocumentResolution;
  expiresAt: number;
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), behind the
 * `clientIdMetadataDocuments` setting: an https URL used as client_id is fetched
 * (document-fetcher.ts), checked (client-metadata.ts), kept as a registry row
 * (document-clients.ts) and cached by its caching headers (cache-lifetime.ts). Each refusal is
 * audited (`client_metadata_document.refused`) once per fetch; a cached one is answered again
 * without a row. Concurrent requests for one URL share one fetch.
 */
@Injectable()
export class ClientMetadataDocuments {
  private readonly cache = new Map<string, CachedResolution>();
  private readonly inFlight = new Map<string, Promise<DocumentResolution>>();
  /** Settable by tests: the 5 s limit is checked with a shorter one rather than waited for. */
  limits: FetchLimits = { maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: FETCH_TIMEOUT_MS };

  constructor(
    private readonly settings: SettingsService,
    private readonly documentClients: DocumentClients,
    private readonly clients: ClientAuthenticator,
    private readonly audit: AuditWriter,
  ) {}

  /** Whether the setting is on (the metadata's client_id_metadata_document_supported). */
  async enabled(): Promise<boolean> {
    return (await this.settings.get()).clientIdMetadataDocuments;
  }

  /** null when the setting is off: the URL is then no client at all, like any unknown id. */
  async resolve(clientId: string): Promise<DocumentResolution | null> {
    const settings = await this.settings.get();
    if (!settings.clientIdMetadataDocuments) return null;
    const checked = checkDocumentUrl(clientId, settings.clientIdMetadataDocumentHosts);
    if ('refused' in checked) return this.refused(clientId, checked.refused);
    const key = `${checked.allowListed ? 'allow-listed' : 'public'} ${clientId}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return this.fromCache(cached.resolution, clientId);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchAndCheck(key, checked.url, clientId, checked.allowListed).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** A cached acceptance reads the row again (through ClientCache): an admin's deactivation shows at once. */
  private async fromCache(resolution: DocumentResolution, clientId: string): Promise<DocumentResolution> {
    if ('refused' in resolution) return resolution;
    const client = await this.clients.find(clientId);
    return client ? { client } : { refused: 'the client is no longer known' };
  }

  private async fetchAndCheck(key: string, url: URL, clientId: string, allowListed: boolean): Promise<DocumentResolution> {
    let fetched;
    try {
      fetched = await fetchDocument(url, allowListed, this.limits);
    } catch (error) {
      if (!(error instanceof DocumentFetchRefused)) throw error;
      return this.remember(key, this.refused(clientId, error.message), REFUSAL_CACHE_MS);
    }
    const checked = checkClientMetadata(fetched.body, clientId);
    if ('refused' in checked) return this.remember(key, this.refused(clientId, checked.refused), REFUSAL_CACHE_MS);
    const client = await this.documentClients.upsert(clientId, checked.metadata);
    this.audit.record({ action: 'client_metadata_document.accepted', targetType: 'client', targetId: clientId, details: { clientId, redirectUris: client.redirectUris } });
    return this.remember(key, { client }, cacheLifetimeSeconds(fetched.headers, Date.now()) * 1000);
  }

  private refused(clientId: string, reason: string): DocumentResolution {
    this.audit.record({ action: 'client_metadata_document.refused', targetType: 'client', targetId: clientId.slice(0, 1024), details: { clientId: clientId.slice(0, 1024), reason } });
    return { refused: reason };
  }

  private remember(key: string, resolution: DocumentResolution, lifetimeMs: number): DocumentResolution {
    if (this.cache.size >= MAX_CACHED_DOCUMENTS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.delete(key);
    this.cache.set(key, { resolution, expiresAt: Date.now() + lifetimeMs });
    return resolution;
  }
}
