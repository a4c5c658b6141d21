import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { SettingsService } from '../settings/settings.service.js';
import { cacheLifetimeSeconds } from './cache-lifetime.js';
import { checkClientMetadata, type DocumentClientMetadata } from './client-metadata.js';
import { DocumentClients } from './document-clients.js';
import { DocumentFetchRefused, fetchDocument, FETCH_TIMEOUT_MS, MAX_DOCUMENT_BYTES, type FetchLimits } from './document-fetcher.js';
import { checkDocumentUrl } from './document-url.js';

/** A document client, or why the client_id cannot be used. */
export type DocumentResolution = { client: Client } | { refused: string };

/** What the request itself asks of the document (the authorization endpoint's redirect_uri). */
export interface DocumentRequest {
  /** Whether the document's redirect URIs admit the request's; absent: any document will do. */
  acceptsRedirectUris?: (redirectUris: readonly string[]) => boolean;
}

/** Documents kept at once; beyond it the oldest entry goes. */
const MAX_CACHED_DOCUMENTS = 1000;
/** A refused document is not fetched again for this long (no fetch, no audit row per request). */
const REFUSAL_CACHE_MS = 10_000;

interface CachedDocument {
  outcome: { metadata: DocumentClientMetadata } | { refused: string };
  expiresAt: number;
  /** Whether the registry row has been brought up to date with this fetch. */
  stored: boolean;
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), behind the
 * `clientIdMetadataDocuments` setting: an https URL used as client_id is fetched
 * (document-fetcher.ts), checked (client-metadata.ts) and cached by its caching headers
 * (cache-lifetime.ts); the first request it serves (its redirect_uri listed) writes the registry
 * row (document-clients.ts). A refused document or request writes nothing and is audited
 * (`client_metadata_document.refused`, with the reason); a cached refusal is answered again
 * without a row. Concurrent requests for one URL share one fetch.
 */
@Injectable()
export class ClientMetadataDocuments {
  private readonly cache = new Map<string, CachedDocument>();
  private readonly inFlight = new Map<string, Promise<CachedDocument>>();
  /** Settable by tests: the 5 s limit is checked with a shorter one rather than waited for. */
  limits: FetchLimits = { maxBytes: MAX_DOCUMENT_BYTES, timeoutMs: FETCH_TIMEOUT_MS };

  constructor(
    private readonly settings: SettingsService,
    private readonly documentClients: DocumentClients,
    private readonly clients: ClientAuthenticator,
    private readonly audit: AuditWriter,
  ) {}

  /** null when the setting is off: the URL is then no client at all, like any unknown id. */
  async resolve(clientId: string, request: DocumentRequest = {}): Promise<DocumentResolution | null> {
    const settings = await this.settings.get();
    if (!settings.clientIdMetadataDocuments) return null;
    const checked = checkDocumentUrl(clientId, settings.clientIdMetadataDocumentHosts);
    if ('refused' in checked) return this.refused(clientId, checked.refused);
    const document = await this.document(`${checked.allowListed ? 'allow-listed' : 'public'} ${clientId}`, checked.url, clientId, checked.allowListed);
    if ('refused' in document.outcome) return document.outcome;
    const { metadata } = document.outcome;
    if (request.acceptsRedirectUris && !request.acceptsRedirectUris(metadata.redirectUris)) {
      return this.refused(clientId, 'the redirect_uri is not one of the redirect_uris of the metadata document');
    }
    // Read through ClientCache: an admin's deactivation shows at once. Written once per fetch (and again if deleted).
    const stored = document.stored ? await this.clients.find(clientId) : null;
    if (stored) return { client: stored };
    const client = await this.documentClients.upsert(clientId, metadata);
    document.stored = true;
    this.audit.record({ action: 'client_metadata_document.accepted', targetType: 'client', targetId: clientId, details: { clientId, redirectUris: client.redirectUris } });
    return { client };
  }

  private async document(key: string, url: URL, clientId: string, allowListed: boolean): Promise<CachedDocument> {
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchAndCheck(key, url, clientId, allowListed).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchAndCheck(key: string, url: URL, clientId: string, allowListed: boolean): Promise<CachedDocument> {
    let fetched;
    try {
      fetched = await fetchDocument(url, allowListed, this.limits);
    } catch (error) {
      // Whatever went wrong with someone else's server is a refusal of its document, never a 500.
      const reason = error instanceof DocumentFetchRefused ? error.message : `the metadata document could not be fetched: ${String(error)}`;
      return this.remember(key, this.refused(clientId, reason), REFUSAL_CACHE_MS);
    }
    const checked = checkClientMetadata(fetched.body, clientId);
    if ('refused' in checked) return this.remember(key, this.refused(clientId, checked.refused), REFUSAL_CACHE_MS);
    return this.remember(key, checked, cacheLifetimeSeconds(fetched.headers, Date.now()) * 1000);
  }

  private refused(clientId: string, reason: string): { refused: string } {
    this.audit.record({ action: 'client_metadata_document.refused', targetType: 'client', targetId: clientId.slice(0, 1024), details: { clientId: clientId.slice(0, 1024), reason } });
    return { refused: reason };
  }

  private remember(key: string, outcome: CachedDocument['outcome'], lifetimeMs: number): CachedDocument {
    if (this.cache.size >= MAX_CACHED_DOCUMENTS) this.cache.delete(this.cache.keys().next().value as string);
    const document = { outcome, expiresAt: Date.now() + lifetimeMs, stored: false };
    this.cache.delete(key);
    this.cache.set(key, document);
    return document;
  }
}
