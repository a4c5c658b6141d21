import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { ConflictProblem, NotFoundProblem, sqlState, UNIQUE_VIOLATION, ValidationProblem, type FieldError } from '#errors';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../common/pagination.js';
import { toResourceView, type Resource, type ResourceFields, type ResourceView } from './resource.js';
import { ResourcesRepository } from './resources.repository.js';

/**
 * Resource rules: a unique identifier, scopes and a client that exist. Each change runs in a
 * registry transaction, so this instance's catalogue (and client caches) reload before the answer.
 * Resource servers need no event: each enforces its own RESOURCE_AUDIENCE.
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly resources: ResourcesRepository,
  ) {}

  async create(fields: ResourceFields): Promise<ResourceView> {
    return toResourceView(await this.uniquely(fields.identifier, () => this.transaction.run((tx) => this.insert(tx, fields))));
  }

  /** Inserts inside the caller's transaction (the first-start seed too). */
  async insert(tx: Tx, fields: ResourceFields): Promise<Resource> {
    const clientRef = await this.checked(tx, fields, null);
    const id = await this.resources.insert(tx, fields, clientRef);
    return this.resources.readInTx(tx, id);
  }

  async list(limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<Page<ResourceView>> {
    const page = await this.resources.list(limit, cursor);
    return { items: page.items.map(toResourceView), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<ResourceView> {
    const resource = await this.resources.find(id);
    if (!resource) throw notFound(id);
    return toResourceView(resource);
  }

  async update(id: string, change: (resource: Resource) => ResourceFields): Promise<ResourceView> {
    const resource = await this.resources.find(id);
    if (!resource) throw notFound(id);
    const identifier = change(resource).identifier;
    return toResourceView(
      await this.uniquely(identifier, () =>
        this.transaction.run(async (tx) => {
          const locked = await this.resources.lock(tx, id);
          if (!locked) throw notFound(id);
          const fields = change(locked);
          const clientRef = await this.checked(tx, fields, id);
          await this.resources.update(tx, id, fields, clientRef);
          return this.resources.readInTx(tx, id);
        }),
      ),
    );
  }

  async delete(id: string): Promise<void> {
    await this.transaction.run(async (tx) => {
      if (!(await this.resources.lock(tx, id))) throw notFound(id);
      await this.resources.delete(tx, id);
    });
  }

  /** 400 for unknown scopes or client, 409 for an identifier taken by another resource; the client's row id. */
  private async checked(tx: Tx, fields: ResourceFields, ownId: string | null): Promise<string | null> {
    const errors: FieldError[] = [];
    const existing = await this.resources.existingScopes(tx, fields.scopes);
    const unknown = fields.scopes.filter((scope) => !existing.has(scope));
    if (unknown.length > 0) errors.push({ field: 'scopes', message: `no such scope: ${unknown.join(' ')}` });
    const clientRef = fields.clientId === null ? null : await this.resources.clientRefOf(tx, fields.clientId);
    if (fields.clientId !== null && clientRef === null) errors.push({ field: 'clientId', message: 'no client with this id' });
    if (errors.length > 0) throw new ValidationProblem(errors);
    const taken = await this.resources.findByIdentifier(tx, fields.identifier);
    if (taken && taken.id !== ownId) throw duplicate(fields.identifier);
    return clientRef;
  }

  /** A concurrent insert of the same identifier loses on the unique index: also a 409. */
  private async uniquely<T>(identifier: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw sqlState(error) === UNIQUE_VIOLATION ? duplicate(identifier) : error;
    }
  }
}

function duplicate(identifier: string): ConflictProblem {
  return new ConflictProblem(`a resource with the identifier ${identifier} already exists`, [{ field: 'identifier', message: 'resource identifiers must be unique' }]);
}

function notFound(id: string): NotFoundProblem {
  return new NotFoundProblem(`no resource with the id ${id}`);
}
