import { Injectable } from '@nestjs/common';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { ClientMetadataDocuments, type DocumentRequest } from './client-metadata-documents.service.js';
import { looksLikeDocumentUrl } from './document-url.js';

/** The client behind a client_id at /oauth/authorize and /oauth/token, or why there is none. */
export type ClientLookupResult = { client: Client | null } | { refused: string };

/**
 * How the OAuth endpoints turn a client_id into a client: a URL through its metadata document
 * (when the setting is on; otherwise a URL is no client), anything else through the registry.
 * A refusal carries its reason, for the authorization endpoint's error page; the token endpoint
 * answers every failure with the same invalid_client.
 */
@Injectable()
export class OAuthClientLookup {
  constructor(
    private readonly registry: ClientAuthenticator,
    private readonly documents: ClientMetadataDocuments,
  ) {}

  /** `request`: what the request asks of a document client (ignored for registry clients, checked later as ever). */
  async find(clientId: string, request: DocumentRequest = {}): Promise<ClientLookupResult> {
    if (!looksLikeDocumentUrl(clientId)) return { client: await this.registry.find(clientId) };
    return (await this.documents.resolve(clientId, request)) ?? { client: null };
  }

  /** The client, or null for an unknown id and a refused document alike. */
  async client(clientId: string): Promise<Client | null> {
    const found = await this.find(clientId);
    return 'client' in found ? found.client : null;
  }
}
