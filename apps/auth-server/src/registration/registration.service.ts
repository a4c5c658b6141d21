import { Inject, Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, Problem } from '#errors';
import type { Tx } from '#database';
import { InvalidClientMetadata, InvalidRequest, InvalidToken, OAuthError, parseBearerAuthorization } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import type { ClientView } from '../clients/client.view.js';
import { clientSecretMatches } from '../clients/client-secret.js';
import { ClientSecretBox } from '../clients/client-secret-box.js';
import { ClientsAdminService } from '../clients/clients-admin.service.js';
import { ClientsRepository } from '../clients/clients.repository.js';
import { DEFAULT_ID_TOKEN_SIGNING_ALG } from '../clients/id-token-signing-alg.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SettingsService } from '../settings/settings.service.js';
import type { Settings } from '../settings/settings.js';
import { readClientMetadata, type RegistrationRequest, type StoredMetadata } from './client-metadata.js';
import { freeVersion, registryNameOf } from './client-name.js';
import { registrationResponse } from './registration-response.js';
import { generateRegistrationToken, hashRegistrationToken, isRegistrationTokenShape } from './registration-token.js';
import { RegistrationRepository, type RegistrationRow } from './registration.repository.js';

/** RFC 7591 §3 does not bound a registration; the same bound as a client ID metadata document (CONTRACT Precisions). */
export const MAX_METADATA_BYTES = 64 * 1024;
const VERSION_ATTEMPTS = 5;

/** What a registration endpoint request brings: its JSON body, its Authorization header, its IP. */
export interface RegistrationCall {
  /** Reads the JSON body, or throws: called inside the audited part, so a refused body is audited too. */
  body: () => unknown;
  authorization: string | string[] | undefined;
  ip: string;
}

/**
 * Dynamic client registration (RFC 7591) and management (RFC 7592), on top of the clients domain:
 * a registered client is an ordinary client (registration "dynamic") created and changed through
 * ClientsAdminService, so its events, views and cascade are the admin API's. Every outcome, refusals
 * included, is audited.
 */
@Injectable()
export class RegistrationService {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly settings: SettingsService,
    private readonly clients: ClientsAdminService,
    private readonly registry: ClientsRepository,
    private readonly repository: RegistrationRepository,
    private readonly audit: AuditWriter,
    private readonly secretBox: ClientSecretBox,
  ) {}

  async register(call: RegistrationCall): Promise<Record<string, unknown>> {
    const settings = await this.enabledSettings();
    return this.audited('client.registered', null, async () => {
      const initialAccessToken = settings.dynamicRegistration === 'initial-access-token' ? await this.usableInitialAccessToken(call.authorization) : undefined;
      if (settings.dynamicRegistration === 'open') await this.countAttempt(call.ip, settings);
      const request = await this.parse(call.body(), settings);
      const name = registryNameOf(request.metadata.client_name);
      const accessToken = generateRegistrationToken();
      const view = await this.createWithFreeVersion(name, request, async (tx, client) => {
        if (initialAccessToken && !(await this.repository.spendInitialAccessToken(tx, initialAccessToken))) throw refusedInitialAccessToken();
        await this.repository.setScopes(tx, client.id, request.scopes);
        await this.repository.insert(tx, client.id, hashRegistrationToken(accessToken), request.metadata);
      });
      return {
        target: view.clientId,
        details: { mode: settings.dynamicRegistration, name: view.name, version: view.version },
        result: this.response(view, request.metadata, accessToken),
      };
    });
  }

  async read(clientId: string, authorization: RegistrationCall['authorization']): Promise<Record<string, unknown>> {
    await this.enabledSettings();
    const { row } = await this.authorized(clientId, authorization, 'client.registration.read');
    const view = await this.clients.get(clientId);
    return this.response(view, row.metadata);
  }

  /** RFC 7592 §2.2: the body replaces the metadata; the registration access token rotates. */
  async update(clientId: string, call: RegistrationCall): Promise<Record<string, unknown>> {
    const settings = await this.enabledSettings();
    const { row, presentedHash } = await this.authorized(clientId, call.authorization, 'client.registration.updated');
    return this.audited('client.registration.updated', clientId, async () => {
      const body = call.body();
      await this.checkIdentity(clientId, body, row);
      const request = await this.parse(body, settings);
      const metadata: StoredMetadata = {
        ...request.metadata,
        ...(row.metadata.client_name !== undefined && request.metadata.client_name === undefined ? { client_name: row.metadata.client_name } : {}),
      };
      const accessToken = generateRegistrationToken();
      const view = await this.clients.update(
        clientId,
        { ...this.clientChanges(request) },
        {
          before: async (_tx, client) => assertActive(client),
          after: async (tx, client) => {
            if (!(await this.repository.rotate(tx, client.id, presentedHash, hashRegistrationToken(accessToken), metadata))) throw invalidRegistrationToken();
            await this.repository.setScopes(tx, client.id, request.scopes);
          },
        },
      );
      return { target: clientId, details: { name: view.name, version: view.version }, result: this.response(view, metadata, accessToken) };
    });
  }

  /** RFC 7592 §2.3: the client, its tokens and associations go (the admin API's delete). */
  async delete(clientId: string, authorization: RegistrationCall['authorization']): Promise<void> {
    await this.enabledSettings();
    const { presentedHash } = await this.authorized(clientId, authorization, 'client.registration.deleted');
    await this.audited('client.registration.deleted', clientId, async () => {
      await this.clients.delete(clientId, async (tx, client) => {
        assertActive(client);
        if (!(await this.repository.stillCurrent(tx, client.id, presentedHash))) throw invalidRegistrationToken();
      });
      return { target: clientId, details: {}, result: undefined };
    });
  }

  private async enabledSettings(): Promise<Settings> {
    const settings = await this.settings.get();
    // Off: the endpoint does not exist (CONTRACT: 404, and no registration_endpoint in the metadata).
    if (settings.dynamicRegistration === 'off') throw new NotFoundProblem('dynamic client registration is off');
    return settings;
  }

  private async parse(body: unknown, settings: Settings): Promise<RegistrationRequest> {
    if (Buffer.byteLength(JSON.stringify(body ?? null)) > MAX_METADATA_BYTES)
      throw new InvalidClientMetadata(`the client metadata must be at most ${MAX_METADATA_BYTES} bytes`);
    const request = readClientMetadata(body, settings.registrationPolicy);
    if (request.authentication.tokenEndpointAuthMethod === 'client_secret_jwt' && !this.secretBox.available)
      throw new InvalidClientMetadata('token_endpoint_auth_method client_secret_jwt is not available on this server');
    const known = await this.repository.scopes(request.scopes);
    const unknown = request.scopes.find((scope) => !known.some((row) => row.name === scope));
    if (unknown !== undefined) throw new InvalidClientMetadata(`the scope ${unknown} does not exist`);
    // A privileged scope (admin, rs.admin) is an admin's decision, never a self-registered client's.
    const privileged = known.find((row) => row.privileged);
    if (privileged) throw new InvalidClientMetadata(`the scope ${privileged.name} cannot be registered dynamically`);
    return request;
  }

  /** The registry's fields of a request; refresh_token among the grant types is an unlimited refresh count (CONTRACT Precisions). */
  private clientChanges(request: RegistrationRequest) {
    return {
      type: request.type,
      grants: request.grants,
      redirectUris: request.redirectUris,
      postLogoutRedirectUris: request.postLogoutRedirectUris,
      refreshCount: request.refresh ? { mode: 'unlimited' as const } : { mode: 'limited' as const, limit: 0 },
      idTokenSignedResponseAlg: request.idTokenSignedResponseAlg ?? DEFAULT_ID_TOKEN_SIGNING_ALG,
      ...request.authentication,
      requirePushedAuthorizationRequests: request.requirePushedAuthorizationRequests,
    };
  }

  /** A taken name never fails a registration (CONTRACT): the first free version, again if a concurrent registration took it. */
  private async createWithFreeVersion(name: string, request: RegistrationRequest, alongside: (tx: Tx, client: Client) => Promise<void>): Promise<ClientView> {
    for (let attempt = 0; ; attempt += 1) {
      const version = freeVersion(await this.repository.highestNumericVersion(name), attempt);
      try {
        return await this.clients.createFrom(
          {
            name,
            version,
            description: '',
            accessTokenLifetime: { mode: 'global' },
            active: true,
            introspection: false,
            registration: 'dynamic',
            ...this.clientChanges(request),
          },
          alongside,
        );
      } catch (error) {
        if (!(error instanceof ConflictProblem) || attempt + 1 >= VERSION_ATTEMPTS) throw error;
      }
    }
  }

  private async usableInitialAccessToken(authorization: RegistrationCall['authorization']): Promise<string> {
    const token = parseBearerAuthorization(authorization);
    const hash = hashRegistrationToken(token);
    if (!isRegistrationTokenShape(token) || !(await this.repository.initialAccessTokenUsable(hash))) throw refusedInitialAccessToken();
    return hash;
  }

  private async countAttempt(ip: string, settings: Settings): Promise<void> {
    const { attempts, secondsLeft } = await this.repository.countAttempt(ip);
    if (attempts > settings.registrationPolicy.registrationsPerIpPerHour) {
      throw new OAuthError('invalid_request', 429, 'too many registrations from this address, retry later').withHeader(
        'Retry-After',
        String(Math.max(1, Math.ceil(secondsLeft))),
      );
    }
  }

  /** The registration behind a registration access token, which must be this client's own; refusals are audited here. */
  private async authorized(
    clientId: string,
    authorization: RegistrationCall['authorization'],
    action: string,
  ): Promise<{ row: RegistrationRow; presentedHash: string }> {
    try {
      const token = parseBearerAuthorization(authorization);
      const presentedHash = hashRegistrationToken(token);
      const row = isRegistrationTokenShape(token) ? await this.repository.findByAccessToken(presentedHash) : null;
      // Another client's token, an unknown one, or one for an unknown client: one answer, no oracle.
      if (!row || row.clientId !== clientId) throw invalidRegistrationToken();
      assertActive(await this.clients.existing(clientId));
      return { row, presentedHash };
    } catch (error) {
      this.recordRefusal(action, error);
      throw error;
    }
  }

  /** RFC 7592 §2.2: the body names this client; a client_secret in it must be the current one. */
  private async checkIdentity(clientId: string, body: unknown, row: RegistrationRow): Promise<void> {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (input.client_id !== clientId) throw new InvalidRequest("client_id must be present and be the client's own");
    if (input.client_secret !== undefined && input.client_secret !== null) {
      const stored = await this.registry.findByClientId(clientId);
      if (typeof input.client_secret !== 'string' || !clientSecretMatches(input.client_secret, stored?.secretHash))
        throw new InvalidRequest("client_secret is not the client's current secret");
    }
    const name = input.client_name;
    if (name !== undefined && name !== null && row.metadata.client_name !== undefined && name !== row.metadata.client_name) {
      throw new InvalidClientMetadata('client_name cannot be changed: register a new client');
    }
  }

  private response(view: ClientView, metadata: StoredMetadata, accessToken?: string): Record<string, unknown> {
    return registrationResponse(view, metadata, `${this.config.issuer}/oauth/register/${view.clientId}`, accessToken);
  }

  private async audited<T>(
    action: string,
    target: string | null,
    work: () => Promise<{ target: string; details: Record<string, unknown>; result: T }>,
  ): Promise<T> {
    try {
      const outcome = await work();
      this.audit.record({ action, targetType: 'client', targetId: outcome.target, details: { registration: 'dynamic', ...outcome.details } });
      return outcome.result;
    } catch (error) {
      this.recordRefusal(action, error, target);
      throw error;
    }
  }

  private recordRefusal(action: string, error: unknown, target: string | null = null): void {
    const refusal =
      error instanceof OAuthError
        ? { status: error.status, error: error.error, description: error.description }
        : error instanceof Problem
          ? { status: error.status, error: error.title, description: error.detail }
          : { status: 500, error: 'server_error' };
    this.audit.record({ action: 'client.registration.refused', targetType: 'client', targetId: target, details: { attempted: action, ...refusal } });
  }
}

function assertActive(client: Client): void {
  // A deactivated client is off for its registration access token too (KC CVE-2026-9705: no way back on through it).
  if (!client.active) throw invalidRegistrationToken();
}

function invalidRegistrationToken(): InvalidToken {
  return new InvalidToken('the registration access token is invalid');
}

function refusedInitialAccessToken(): InvalidToken {
  return new InvalidToken('the initial access token is invalid, expired or used up');
}
