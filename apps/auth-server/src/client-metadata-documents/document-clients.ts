import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { sqlState, UNIQUE_VIOLATION } from '#errors';
import { GrantTypes } from '#oauth';
import type { Client } from '../clients/client.js';
import { ClientEvents } from '../clients/client-events.js';
import { ClientWritesRepository, type ClientFields } from '../clients/client-writes.repository.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../clients/id-token-signing-alg.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import type { DocumentClientMetadata } from './client-metadata.js';
import { DocumentClientsRepository } from './document-clients.repository.js';

export const DOCUMENT_CLIENT_DESCRIPTION = 'Resolved from its client ID metadata document';

/**
 * The registry row behind a client resolved through its metadata document. Grants, codes, consents
 * and pending requests reference clients by row (foreign keys), and the resource servers admit a
 * token only for a client they know: so a document client is kept as a public client whose
 * client_id is its URL (its version too, which keeps (name, version) unique and shows the URL on
 * the consent page), written with its outbox events like any other. The document stays the truth:
 * each fetch brings the row up to date; a row an admin deactivated stays deactivated. A fetch that
 * changes nothing writes nothing: no new entity version, no event for every resource server.
 */
@Injectable()
export class DocumentClients {
  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly writes: ClientWritesRepository,
    private readonly events: ClientEvents,
    private readonly repository: DocumentClientsRepository,
  ) {}

  /** The row as the document describes it, created or updated (one retry when another instance created it first). */
  async upsert(clientId: string, metadata: DocumentClientMetadata): Promise<Client> {
    try {
      return await this.transaction.run((tx) => this.write(tx, clientId, metadata));
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      return this.transaction.run((tx) => this.write(tx, clientId, metadata));
    }
  }

  private async write(tx: Tx, clientId: string, metadata: DocumentClientMetadata): Promise<Client> {
    const fields = fieldsOf(clientId, metadata);
    const scopes = await this.repository.assignableScopes(tx, metadata.scopes);
    const stored = await this.writes.lock(tx, clientId);
    if (!stored) {
      const client = await this.writes.insert(tx, clientId, fields, null);
      await this.repository.replaceScopes(tx, client.id, scopes);
      await this.events.upserted(tx, client);
      return client;
    }
    // Everything but `active`: an admin's deactivation outlives the document.
    const documented = withoutActive(fields);
    const scopesChanged = await this.repository.replaceScopes(tx, stored.client.id, scopes);
    if (!scopesChanged && sameFields(stored.client, documented)) return stored.client;
    const client = await this.writes.update(tx, stored.client.id, documented);
    await this.events.upserted(tx, client);
    return client;
  }
}

function fieldsOf(clientId: string, metadata: DocumentClientMetadata): ClientFields {
  return {
    name: metadata.name,
    version: clientId,
    description: DOCUMENT_CLIENT_DESCRIPTION,
    type: 'public',
    redirectUris: metadata.redirectUris,
    grants: [GrantTypes.authorizationCode],
    accessTokenLifetime: { mode: 'global' },
    // As for a dynamically registered client (CONTRACT "Precisions"): refresh_token in grant_types, unlimited; else none.
    refreshCount: metadata.refresh ? { mode: 'unlimited' } : { mode: 'limited', limit: 0 },
    active: true,
    introspection: false,
    idTokenSignedResponseAlg: DEFAULT_ID_TOKEN_SIGNING_ALG,
    postLogoutRedirectUris: [],
  };
}

function sameFields(client: Client, fields: Partial<ClientFields>): boolean {
  return Object.entries(fields).every(([key, value]) => JSON.stringify(client[key as keyof Client]) === JSON.stringify(value));
}

function withoutActive(fields: ClientFields): Partial<ClientFields> {
  const documented: Partial<ClientFields> = { ...fields };
  delete documented.active;
  return documented;
}
