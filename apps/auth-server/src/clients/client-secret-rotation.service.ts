import { Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem } from '#errors';
import { ClientEvents } from './client-events.js';
import { ClientSecretBox } from './client-secret-box.js';
import { generateClientSecret, hashClientSecret } from './client-secret.js';
import { ClientWritesRepository } from './client-writes.repository.js';
import { RegistryTransaction } from './registry-transaction.repository.js';

/**
 * POST /admin/v1/clients/{clientId}/secret. The old secret stops at once, or keeps working for an
 * overlap window so that deployed apps can switch over without downtime (CONTRACT.md).
 */
@Injectable()
export class ClientSecretRotation {
  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly writes: ClientWritesRepository,
    private readonly events: ClientEvents,
    private readonly box: ClientSecretBox,
  ) {}

  async regenerate(clientId: string, previousSecretValidForSeconds?: number, now = new Date()): Promise<{ clientSecret: string }> {
    return this.transaction.run(async (tx) => {
      const stored = await this.writes.lock(tx, clientId);
      if (!stored) throw new NotFoundProblem(`no client with the id ${clientId}`);
      if (stored.client.type !== 'confidential') throw new ConflictProblem('a public client has no secret', [{ field: 'type', message: 'only confidential clients have a secret' }]);
      const clientSecret = generateClientSecret();
      const overlap = previousSecretValidForSeconds !== undefined && stored.secretHash !== null;
      const sealing = stored.client.tokenEndpointAuthMethod === 'client_secret_jwt';
      const client = await this.writes.update(tx, stored.client.id, {}, {
        secretHash: hashClientSecret(clientSecret),
        previousSecretHash: overlap ? stored.secretHash : null,
        previousSecretExpiresAt: overlap ? new Date(now.getTime() + previousSecretValidForSeconds * 1000) : null,
        // client_secret_jwt: the HMAC key is the secret itself, kept sealed (ClientSecretBox), the previous one for the overlap.
        secretSealed: sealing ? this.box.seal(clientSecret, stored.client.clientId) : null,
        previousSecretSealed: sealing && overlap ? stored.secretSealed : null,
      });
      await this.events.upserted(tx, client);
      return { clientSecret };
    });
  }
}
