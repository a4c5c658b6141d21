import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Client } from './client.js';
import { ClientEntity } from './client.entity.js';
import { toClient } from './client.mapper.js';

/** A client with what is needed to authenticate it; never leaves the clients module's services. */
export interface ClientWithSecrets {
  client: Client;
  secretHash: string | null;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
}

@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>) {}

  async findByClientId(clientId: string): Promise<ClientWithSecrets | null> {
    const entity = await this.clients.findOneBy({ clientId });
    if (!entity) return null;
    return {
      client: toClient(entity),
      secretHash: entity.secretHash,
      previousSecretHash: entity.previousSecretHash,
      previousSecretExpiresAt: entity.previousSecretExpiresAt,
    };
  }

  /** Names of the scopes associated with the client, sorted. */
  async scopeNamesOf(clientRef: string): Promise<string[]> {
    const rows: { scope_name: string }[] = await this.clients.query('SELECT scope_name FROM client_scopes WHERE client_ref = $1 ORDER BY scope_name', [clientRef]);
    return rows.map((row) => row.scope_name);
  }
}
