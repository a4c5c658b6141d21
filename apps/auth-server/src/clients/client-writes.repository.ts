import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { entityManagerOf } from '#database/persistence';
import { isClientId, isDocumentClientId, defaultAuthMethod } from '#oauth';
import type { Client } from './client.js';
import { ClientEntity } from './client.entity.js';
import { lifetimeColumns, refreshCountColumns, toClient, toClientWithSecrets } from './client.mapper.js';
import type { ClientWithSecrets } from './clients.repository.js';

/** Everything written on a client (`registration` defaults to admin): derived from the domain type so the two cannot drift. */
export type ClientFields = Pick<
  Client,
  'name' | 'version' | 'description' | 'type' | 'redirectUris' | 'grants' | 'accessTokenLifetime' | 'refreshCount' | 'active' | 'introspection' | 'idTokenSignedResponseAlg' | 'postLogoutRedirectUris'
> &
  // Optional: `registration` defaults to admin; clients provisioned by the server itself may use every resource (null);
  // the authentication method defaults to the type's (client_secret_basic or none), with no keys and no PAR requirement.
  Partial<
    Pick<Client, 'registration' | 'allowedResources' | 'tokenExchangeAudiences' | 'tokenExchangeImpersonation' | 'tokenEndpointAuthMethod' | 'jwks' | 'jwksUri' | 'requirePushedAuthorizationRequests'>
  >;

/** Grants of one client revoked because the grant they were exchanged from was (tokens.revoked payload). */
export interface ExchangedGrantsRevoked {
  clientId: string;
  grantIds: string[];
  /** ISO time of the latest access-token expiry among them; null when one never expires. */
  expiresAt: string | null;
}

/** The secret columns an update writes; an absent one is left as stored. */
export interface SecretFields {
  secretHash?: string | null;
  previousSecretHash?: string | null;
  previousSecretExpiresAt?: Date | null;
  /** client_secret_jwt only (ClientSecretBox); absent: left as stored. */
  secretSealed?: string | null;
  previousSecretSealed?: string | null;
}

/** Client writes; each runs in the caller's transaction so that its outbox event commits with it. */
@Injectable()
export class ClientWritesRepository {
  async insert(tx: Tx, clientId: string, fields: ClientFields, secretHash: string | null, secretSealed: string | null = null): Promise<Client> {
    const manager = entityManagerOf(tx);
    const tokenEndpointAuthMethod = fields.tokenEndpointAuthMethod ?? defaultAuthMethod(fields.type);
    const result = await manager.insert(ClientEntity, { clientId, ...columnsOf(fields), tokenEndpointAuthMethod, secretHash, secretSealed });
    const id = (result.identifiers[0] as { id: string }).id;
    return toClient(await manager.findOneByOrFail(ClientEntity, { id }));
  }

  /** Locks the row until the transaction ends, so that concurrent changes apply one after the other. */
  async lock(tx: Tx, clientId: string): Promise<ClientWithSecrets | null> {
    if (!isClientId(clientId) && !isDocumentClientId(clientId)) return null;
    const entity = await entityManagerOf(tx).createQueryBuilder(ClientEntity, 'client').setLock('pessimistic_write').where('client.clientId = :clientId', { clientId }).getOne();
    return entity ? toClientWithSecrets(entity) : null;
  }

  /** Applies the changes and bumps entity_version, which orders the resulting events at the resource servers. */
  async update(tx: Tx, id: string, fields: Partial<ClientFields>, secrets?: SecretFields): Promise<Client> {
    const manager = entityManagerOf(tx);
    await manager
      .createQueryBuilder()
      .update(ClientEntity)
      .set({ ...columnsOf(fields), ...secrets, entityVersion: () => 'entity_version + 1', updatedAt: () => 'now()' })
      .where('id = :id', { id })
      .execute();
    return toClient(await manager.findOneByOrFail(ClientEntity, { id }));
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await entityManagerOf(tx).delete(ClientEntity, { id });
  }

  /** Revokes every live token family of the client (CONTRACT.md: "active": false). */
  async revokeGrants(tx: Tx, clientRef: string): Promise<void> {
    await entityManagerOf(tx).query('UPDATE grants SET revoked_at = now() WHERE client_ref = $1 AND revoked_at IS NULL', [clientRef]);
  }

  /**
   * Revokes the grants other clients got by exchanging this client's live tokens (RFC 8693), however
   * deep the chain, before the client's own go (deactivation) or are deleted with it: the client's
   * cut-off event does not name them, so each is returned for a tokens.revoked event of its own client.
   */
  async revokeExchangedFrom(tx: Tx, clientRef: string): Promise<ExchangedGrantsRevoked[]> {
    const rows: { client_id: string; ids: string[]; never: boolean; latest: Date | null }[] = await entityManagerOf(tx).query(
      `WITH RECURSIVE family(id) AS (
         SELECT g.id FROM grants g JOIN grants p ON p.id = g.parent_grant_id WHERE g.parent_grant_id IS NOT NULL AND p.client_ref = $1 AND p.revoked_at IS NULL
         UNION
         SELECT g.id FROM grants g JOIN family f ON g.parent_grant_id = f.id
       ), revoked AS (
         UPDATE grants SET revoked_at = now(), refresh_token_hash = NULL
         WHERE id IN (SELECT id FROM family) AND client_ref <> $1 AND revoked_at IS NULL
         RETURNING id, client_id, access_expires_at)
       SELECT client_id, array_agg(id::text ORDER BY id) AS ids, bool_or(access_expires_at IS NULL) AS never, max(access_expires_at) AS latest
       FROM revoked GROUP BY client_id`,
      [clientRef],
    );
    return rows.map((row) => ({ clientId: row.client_id, grantIds: row.ids, expiresAt: row.never ? null : row.latest && new Date(row.latest).toISOString() }));
  }

  /** The transaction's clock, so that revokedBefore matches the revoked_at just written. */
  async now(tx: Tx): Promise<Date> {
    const rows: { now: Date }[] = await entityManagerOf(tx).query('SELECT now() AS now');
    return new Date(rows[0].now);
  }
}

function columnsOf(fields: Partial<ClientFields>): Partial<ClientEntity> {
  const { accessTokenLifetime, refreshCount, ...plain } = fields;
  return {
    ...plain,
    ...(accessTokenLifetime ? lifetimeColumns(accessTokenLifetime) : {}),
    ...(refreshCount ? refreshCountColumns(refreshCount) : {}),
  };
}
