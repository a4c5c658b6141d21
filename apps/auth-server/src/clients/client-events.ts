import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { SyncEvents } from '#sync';
import { OutboxWriter } from '../outbox/outbox.writer.js';
import type { Client } from './client.js';
import { toClientSnapshot } from './client.view.js';
import { ClientsRepository } from './clients.repository.js';
import { clientCutoffRevocation } from './client-cutoff.repository.js';
import type { ExchangedGrantsRevoked } from './client-writes.repository.js';

/** Outbox events about one client, appended in the caller's transaction (CONTRACT.md, events). */
@Injectable()
export class ClientEvents {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly clients: ClientsRepository,
  ) {}

  /** client.upserted with the scopes as they are inside this transaction; returns those scopes. */
  async upserted(tx: Tx, client: Client): Promise<string[]> {
    const scopes = await this.clients.scopeNamesOf(client.id, tx);
    await this.outbox.append(tx, SyncEvents.clientUpserted, client.clientId, client.entityVersion, toClientSnapshot(client, scopes));
    return scopes;
  }

  async scopesSet(tx: Tx, client: Client): Promise<void> {
    const scopes = await this.clients.scopeNamesOf(client.id, tx);
    await this.outbox.append(tx, SyncEvents.clientScopesSet, client.clientId, client.entityVersion, { clientId: client.clientId, scopes, entityVersion: client.entityVersion });
  }

  async deleted(tx: Tx, client: Client, entityVersion: number): Promise<void> {
    await this.outbox.append(tx, SyncEvents.clientDeleted, client.clientId, entityVersion, { clientId: client.clientId, entityVersion });
  }

  /** One tokens.revoked event per client whose exchanged tokens were revoked with another client's (RFC 8693). */
  async exchangedTokensRevoked(tx: Tx, revoked: ExchangedGrantsRevoked[]): Promise<void> {
    // Revocations only add state: the time orders them well enough, as TokenRevoker's do.
    for (const payload of revoked) await this.outbox.append(tx, SyncEvents.tokensRevoked, payload.clientId, Date.now(), payload);
  }

  async tokensRevoked(tx: Tx, client: Client, revokedBefore: Date): Promise<void> {
    const payload = await clientCutoffRevocation(tx, client.id, client.clientId, revokedBefore);
    await this.outbox.append(tx, SyncEvents.tokensRevoked, client.clientId, client.entityVersion, payload);
  }
}
