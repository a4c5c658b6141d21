import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { ConflictProblem, NotFoundProblem, sqlState, UNIQUE_VIOLATION } from '#errors';
import { SyncEvents } from '#sync';
import { ClientEvents } from '../clients/client-events.js';
import { ClientWritesRepository } from '../clients/client-writes.repository.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../common/pagination.js';
import { OutboxWriter } from '../outbox/outbox.writer.js';
import { toScopeSnapshot, toScopeView, type Scope, type ScopeChanges, type ScopeView } from './scope.js';
import { ScopesRepository } from './scopes.repository.js';

/** Scope rules: unique names, changes to the description and required permission only, and deletion that detaches every client. */
@Injectable()
export class ScopesService {
  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly scopes: ScopesRepository,
    private readonly clientWrites: ClientWritesRepository,
    private readonly clientEvents: ClientEvents,
    private readonly outbox: OutboxWriter,
  ) {}

  async create(name: string, description = '', requiredPermission: string | null = null): Promise<ScopeView> {
    return toScopeView(await this.transaction.run((tx) => this.insert(tx, name, description, requiredPermission)));
  }

  /** Inserts and announces a scope inside the caller's transaction; a duplicate name is a 409. */
  async insert(tx: Tx, name: string, description: string, requiredPermission: string | null = null): Promise<Scope> {
    const exists = await this.scopes.lock(tx, name, 'share');
    if (exists) throw duplicate(name);
    const scope = await this.scopes.insert(tx, name, description, requiredPermission).catch((error: unknown) => {
      throw sqlState(error) === UNIQUE_VIOLATION ? duplicate(name) : error;
    });
    await this.outbox.append(tx, SyncEvents.scopeUpserted, scope.name, scope.entityVersion, toScopeSnapshot(scope));
    return scope;
  }

  async list(limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<Page<ScopeView>> {
    const page = await this.scopes.list(limit, cursor);
    return { items: page.items.map(toScopeView), nextCursor: page.nextCursor };
  }

  async get(name: string): Promise<ScopeView> {
    return toScopeView(await this.existing(name));
  }

  async existing(name: string): Promise<Scope> {
    const scope = await this.scopes.find(name);
    if (!scope) throw notFound(name);
    return scope;
  }

  async update(name: string, changes: ScopeChanges): Promise<ScopeView> {
    return this.transaction.run(async (tx) => {
      if (!(await this.scopes.lock(tx, name, 'update'))) throw notFound(name);
      const scope = await this.scopes.update(tx, name, changes);
      await this.outbox.append(tx, SyncEvents.scopeUpserted, scope.name, scope.entityVersion, toScopeSnapshot(scope));
      return toScopeView(scope);
    });
  }

  /** Removes the scope and its associations; every affected client gets a new version and a client.scopes.set. */
  async delete(name: string): Promise<void> {
    await this.transaction.run(async (tx) => {
      const scope = await this.scopes.lock(tx, name, 'update');
      if (!scope) throw notFound(name);
      const clientRefs = await this.scopes.clientRefsOf(tx, name);
      await this.scopes.delete(tx, name);
      for (const clientRef of clientRefs) {
        await this.clientEvents.scopesSet(tx, await this.clientWrites.update(tx, clientRef, {}));
      }
      const entityVersion = scope.entityVersion + 1;
      await this.outbox.append(tx, SyncEvents.scopeDeleted, name, entityVersion, { name, entityVersion });
    });
  }
}

function duplicate(name: string): ConflictProblem {
  return new ConflictProblem(`a scope named "${name}" already exists`, [{ field: 'name', message: 'scope names must be unique' }]);
}

function notFound(name: string): NotFoundProblem {
  return new NotFoundProblem(`no scope named ${name}`);
}
