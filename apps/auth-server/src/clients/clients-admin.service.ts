import { Inject, Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, sqlState, UNIQUE_VIOLATION, ValidationProblem } from '#errors';
import type { Tx } from '#database';
import type { Page } from '../common/pagination.js';
import { DEFAULT_PAGE_SIZE } from '../common/pagination.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import type { Client } from './client.js';
import { ClientEvents } from './client-events.js';
import { clientShapeErrors } from './client-rules.js';
import { ClientSecretBox } from './client-secret-box.js';
import { defaultAuthMethod } from '#oauth';
import { generateClientId, generateClientSecret, hashClientSecret } from './client-secret.js';
import { toClientView, type ClientView } from './client.view.js';
import { ClientWritesRepository, type ClientFields, type SecretFields } from './client-writes.repository.js';
import { ClientsRepository, type ClientFilter } from './clients.repository.js';
import type { CreateClientDto } from './dto/create-client.dto.js';
import { toRefreshCount } from './dto/refresh-count.dto.js';
import type { UpdateClientDto } from './dto/update-client.dto.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from './id-token-signing-alg.js';
import { RegistryTransaction } from './registry-transaction.repository.js';

/** The admin API's rules for clients: validation across fields, uniqueness, secrets, revocation on deactivation. */
@Injectable()
export class ClientsAdminService {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly transaction: RegistryTransaction,
    private readonly clients: ClientsRepository,
    private readonly writes: ClientWritesRepository,
    private readonly events: ClientEvents,
    private readonly box: ClientSecretBox,
  ) {}

  /** The cross-field rules, and client_secret_jwt only where the server can seal secrets. */
  private assertShape(shape: ClientFields): void {
    const errors = clientShapeErrors(shape);
    if (shape.tokenEndpointAuthMethod === 'client_secret_jwt' && !this.box.available) {
      errors.push({ field: 'tokenEndpointAuthMethod', message: 'client_secret_jwt is not available on this server (CLIENT_SECRET_ENCRYPTION_KEY is not set)' });
    }
    if (errors.length > 0) throw new ValidationProblem(errors);
  }

  async create(dto: CreateClientDto): Promise<ClientView> {
    const fields: ClientFields = {
      name: dto.name,
      version: dto.version,
      description: dto.description ?? '',
      type: dto.type,
      redirectUris: dto.redirectUris ?? [],
      grants: dto.grants,
      accessTokenLifetime: dto.accessTokenLifetime ? (dto.accessTokenLifetime as ClientFields['accessTokenLifetime']) : { mode: 'global' },
      refreshCount: dto.refreshCount ? toRefreshCount(dto.refreshCount) : { mode: 'limited', limit: 0 },
      active: dto.active ?? true,
      introspection: dto.introspection ?? false,
      idTokenSignedResponseAlg: dto.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
      postLogoutRedirectUris: dto.postLogoutRedirectUris ?? [],
      allowedResources: dto.allowedResources ?? null,
      tokenExchangeAudiences: dto.tokenExchangeAudiences ?? [],
      tokenExchangeImpersonation: dto.tokenExchangeImpersonation ?? false,
      tokenEndpointAuthMethod: dto.tokenEndpointAuthMethod ?? defaultAuthMethod(dto.type),
      jwks: dto.jwks ?? null,
      jwksUri: dto.jwksUri ?? null,
      requirePushedAuthorizationRequests: dto.requirePushedAuthorizationRequests ?? false,
    };
    return this.createFrom(fields);
  }

  /**
   * Creates a client from complete fields (the admin API, dynamic registration). `alongside` runs
   * in the same transaction after the insert and before the client.upserted event, so what it
   * writes (scope associations, a registration row) commits, or rolls back, with the client.
   */
  async createFrom(fields: ClientFields, alongside?: (tx: Tx, client: Client) => Promise<void>): Promise<ClientView> {
    this.assertShape(fields);
    const secret = fields.type === 'confidential' ? generateClientSecret() : undefined;
    const clientId = generateClientId();
    const sealed = secret && fields.tokenEndpointAuthMethod === 'client_secret_jwt' ? this.box.seal(secret, clientId) : null;
    return this.uniquely(fields, () =>
      this.transaction.run(async (tx) => {
        const client = await this.writes.insert(tx, clientId, fields, secret ? hashClientSecret(secret) : null, sealed);
        await alongside?.(tx, client);
        const scopes = await this.events.upserted(tx, client);
        return this.view(client, scopes, secret);
      }),
    );
  }

  async list(filter: ClientFilter, limit = DEFAULT_PAGE_SIZE, cursor?: string): Promise<Page<ClientView>> {
    const page = await this.clients.list(filter, limit, cursor);
    const scopes = await this.clients.scopeNamesByClient(page.items.map((client) => client.id));
    return { items: page.items.map((client) => this.view(client, scopes.get(client.id) ?? [])), nextCursor: page.nextCursor };
  }

  async get(clientId: string): Promise<ClientView> {
    const client = await this.existing(clientId);
    return this.view(client, await this.clients.scopeNamesOf(client.id));
  }

  /**
   * `alongside` (dynamic registration's PUT) runs in the transaction with the row locked, first
   * with the stored client (it may refuse the change), then after the write and before the event.
   */
  async update(clientId: string, dto: UpdateClientDto, alongside?: ClientUpdateHooks): Promise<ClientView> {
    return this.transaction.run(async (tx) => {
      const stored = await this.writes.lock(tx, clientId);
      if (!stored) throw notFound(clientId);
      const before = stored.client;
      await alongside?.before(tx, before);
      const fields = merge(before, dto);
      this.assertShape(fields);
      const { secrets, secret } = secretsAfterChange(before, fields, this.box);
      const client = await this.uniquely(fields, () => this.writes.update(tx, before.id, fields, secrets));
      await alongside?.after(tx, client);
      const scopes = await this.events.upserted(tx, client);
      if (before.active && !client.active) {
        // CONTRACT.md: deactivation invalidates every token at once; reactivation does not revive them.
        await this.events.exchangedTokensRevoked(tx, await this.writes.revokeExchangedFrom(tx, client.id));
        await this.writes.revokeGrants(tx, client.id);
        await this.events.tokensRevoked(tx, client, await this.writes.now(tx));
      }
      return this.view(client, scopes, secret);
    });
  }

  /** `before` (dynamic registration's DELETE) may refuse with the row locked. */
  async delete(clientId: string, before?: (tx: Tx, client: Client) => Promise<void>): Promise<void> {
    await this.transaction.run(async (tx) => {
      const stored = await this.writes.lock(tx, clientId);
      if (!stored) throw notFound(clientId);
      await before?.(tx, stored.client);
      // Tokens exchanged from its tokens belong to other clients: they would outlive it otherwise.
      await this.events.exchangedTokensRevoked(tx, await this.writes.revokeExchangedFrom(tx, stored.client.id));
      // Grants, codes and scope associations go with the row (ON DELETE CASCADE).
      await this.writes.delete(tx, stored.client.id);
      await this.events.deleted(tx, stored.client, stored.client.entityVersion + 1);
    });
  }

  /** The client, or a 404 problem. */
  async existing(clientId: string): Promise<Client> {
    const stored = await this.clients.findByClientId(clientId);
    if (!stored) throw notFound(clientId);
    return stored.client;
  }

  view(client: Client, scopes: string[], secret?: string): ClientView {
    return toClientView(client, scopes, this.config.issuer, secret);
  }

  /** The unique index on (lower(name), version) decides races: the loser gets a 409, not a 500. */
  private async uniquely<T>(fields: Pick<ClientFields, 'name' | 'version'>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      throw new ConflictProblem(`a client named "${fields.name}" with version "${fields.version}" already exists`, [
        { field: 'name', message: 'name and version must be unique (the name compared without regard to case)' },
      ]);
    }
  }
}

function merge(client: Client, dto: UpdateClientDto): ClientFields {
  const type = dto.type ?? client.type;
  // A type change without a method takes the new type's default (public: none; confidential: Basic).
  const method = dto.tokenEndpointAuthMethod ?? (type === client.type ? client.tokenEndpointAuthMethod : defaultAuthMethod(type));
  return {
    name: client.name,
    version: dto.version ?? client.version,
    description: dto.description ?? client.description,
    type: dto.type ?? client.type,
    redirectUris: dto.redirectUris ?? client.redirectUris,
    grants: dto.grants ?? client.grants,
    accessTokenLifetime: (dto.accessTokenLifetime as ClientFields['accessTokenLifetime'] | undefined) ?? client.accessTokenLifetime,
    refreshCount: dto.refreshCount ? toRefreshCount(dto.refreshCount) : client.refreshCount,
    active: dto.active ?? client.active,
    introspection: dto.introspection ?? client.introspection,
    idTokenSignedResponseAlg: dto.idTokenSignedResponseAlg ?? client.idTokenSignedResponseAlg,
    postLogoutRedirectUris: dto.postLogoutRedirectUris ?? client.postLogoutRedirectUris,
    // null is meaningful here (every resource): only an absent field keeps the stored value.
    allowedResources: dto.allowedResources === undefined ? client.allowedResources : dto.allowedResources,
    tokenExchangeAudiences: dto.tokenExchangeAudiences ?? client.tokenExchangeAudiences,
    tokenExchangeImpersonation: dto.tokenExchangeImpersonation ?? client.tokenExchangeImpersonation,
    tokenEndpointAuthMethod: method,
    // Keys belong to private_key_jwt: moving to another method drops them unless the request sends some (then refused).
    jwks: dto.jwks !== undefined ? dto.jwks : method === 'private_key_jwt' ? client.jwks : null,
    jwksUri: dto.jwksUri !== undefined ? dto.jwksUri : method === 'private_key_jwt' ? client.jwksUri : null,
    requirePushedAuthorizationRequests: dto.requirePushedAuthorizationRequests ?? client.requirePushedAuthorizationRequests,
  };
}

export interface ClientUpdateHooks {
  before(tx: Tx, client: Client): Promise<void>;
  after(tx: Tx, client: Client): Promise<void>;
}

/**
 * Public clients hold no secret; a client that becomes confidential gets a new one, shown once.
 * A client that moves to client_secret_jwt gets one too: only its hash was kept so far, and the
 * HMAC needs the secret itself (sealed). One that leaves client_secret_jwt loses the sealed copy.
 */
function secretsAfterChange(before: Client, after: ClientFields, box: ClientSecretBox): { secrets?: SecretFields; secret?: string } {
  if (after.type === 'public') {
    if (before.type === 'public') return {};
    return { secrets: { secretHash: null, previousSecretHash: null, previousSecretExpiresAt: null, secretSealed: null, previousSecretSealed: null } };
  }
  const sealing = after.tokenEndpointAuthMethod === 'client_secret_jwt';
  if (before.type === 'public' || (sealing && before.tokenEndpointAuthMethod !== 'client_secret_jwt')) {
    const secret = generateClientSecret();
    const secretSealed = sealing ? box.seal(secret, before.clientId) : null;
    return { secret, secrets: { secretHash: hashClientSecret(secret), previousSecretHash: null, previousSecretExpiresAt: null, secretSealed, previousSecretSealed: null } };
  }
  if (!sealing && before.tokenEndpointAuthMethod === 'client_secret_jwt') return { secrets: { secretSealed: null, previousSecretSealed: null } };
  return {};
}

function notFound(clientId: string): NotFoundProblem {
  return new NotFoundProblem(`no client with the id ${clientId}`);
}
