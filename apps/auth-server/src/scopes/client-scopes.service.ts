import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { NotFoundProblem, ValidationProblem } from '#errors';
import type { Client } from '../clients/client.js';
import { ClientEvents } from '../clients/client-events.js';
import type { ClientView } from '../clients/client.view.js';
import { ClientWritesRepository } from '../clients/client-writes.repository.js';
import { ClientsAdminService } from '../clients/clients-admin.service.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../common/pagination.js';
import { toScopeView, type ScopeView } from './scope.js';
import { ScopesRepository } from './scopes.repository.js';
import { ScopesService } from './scopes.service.js';

/**
 * Client↔scope associations. PUT and DELETE are both idempotent (204 whether or not the
 * association existed); an unknown client or scope is a 404. Each real change bumps the client's
 * version and emits client.scopes.set in the same transaction.
 */
@Injectable()
export class ClientScopesService {
  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly scopes: ScopesRepository,
    private readonly scopesService: ScopesService,
    private readonly clients: ClientsAdminService,
    private readonly clientWrites: ClientWritesRepository,
    private readonly clientEvents: ClientEvents,
  ) {}

  async associate(clientId: string, name: string): Promise<void> {
    await this.transaction.run(async (tx) => {
      const client = await this.lockClient(tx, clientId);
      if (!(await this.scopes.lock(tx, name, 'share'))) throw scopeNotFound(name);
      if (await this.scopes.associate(tx, client.id, name)) await this.changed(tx, client);
    });
  }

  /**
   * Several existing scopes at once, all or none: every unknown name is reported (400, by its
   * position in the body) and nothing is associated. Scopes are locked in name order, so two
   * batches never wait on each other in a cycle. One version bump, one client.scopes.set.
   */
  async associateAll(clientId: string, names: readonly string[]): Promise<void> {
    await this.transaction.run(async (tx) => {
      const client = await this.lockClient(tx, clientId);
      const unknown: string[] = [];
      for (const name of [...names].sort()) if (!(await this.scopes.lock(tx, name, 'share'))) unknown.push(name);
      if (unknown.length > 0) {
        throw new ValidationProblem(names.flatMap((name, index) => (unknown.includes(name) ? [{ field: `associate[${index}]`, message: `no scope named ${name}` }] : [])));
      }
      let added = false;
      for (const name of names) if (await this.scopes.associate(tx, client.id, name)) added = true;
      if (added) await this.changed(tx, client);
    });
  }

  async disassociate(clientId: string, name: string): Promise<void> {
    await this.transaction.run(async (tx) => {
      const client = await this.lockClient(tx, clientId);
      if (!(await this.scopes.lock(tx, name, 'share'))) throw scopeNotFound(name);
      if (await this.scopes.disassociate(tx, client.id, name)) await this.changed(tx, client);
    });
  }

  /** POST /admin/v1/clients/{clientId}/scopes: create the scope and associate it, atomically. */
  async createAndAssociate(clientId: string, name: string, description = '', requiredPermission: string | null = null): Promise<ScopeView> {
    return this.transaction.run(async (tx) => {
      const client = await this.lockClient(tx, clientId);
      const scope = await this.scopesService.insert(tx, name, description, requiredPermission);
      await this.scopes.associate(tx, client.id, name);
      await this.changed(tx, client);
      return toScopeView(scope);
    });
  }

  async scopesOf(clientId: string, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<Page<ScopeView>> {
    const client = await this.clients.existing(clientId);
    const page = await this.scopes.list(limit, cursor, client.id);
    return { items: page.items.map(toScopeView), nextCursor: page.nextCursor };
  }

  async clientsOf(name: string, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<Page<ClientView>> {
    await this.scopesService.existing(name);
    return this.clients.list({ scope: name }, limit, cursor);
  }

  private async lockClient(tx: Tx, clientId: string): Promise<Client> {
    const stored = await this.clientWrites.lock(tx, clientId);
    if (!stored) throw new NotFoundProblem(`no client with the id ${clientId}`);
    return stored.client;
  }

  private async changed(tx: Tx, client: Client): Promise<void> {
    await this.clientEvents.scopesSet(tx, await this.clientWrites.update(tx, client.id, {}));
  }
}

function scopeNotFound(name: string): NotFoundProblem {
  return new NotFoundProblem(`no scope named ${name}`);
}
