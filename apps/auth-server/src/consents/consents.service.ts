import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '#database';
import { TokenRevoker } from '../tokens/token-revoker.js';
import type { Consent } from './consent.js';
import { ConsentsRepository } from './consents.repository.js';

/**
 * Remembered consent: once a user allowed a client some scopes, a later request for no more than
 * those skips the consent page (unless prompt=consent); asking for more asks again. Withdrawing a
 * consent revokes what the user gave that client, in the same transaction.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly repository: ConsentsRepository,
    private readonly transactions: TransactionRunner,
    private readonly revoker: TokenRevoker,
  ) {}

  async covers(userId: string, clientRef: string, scopes: readonly string[]): Promise<boolean> {
    const consent = await this.repository.find(userId, clientRef);
    return consent !== null && scopes.every((scope) => consent.scopes.includes(scope));
  }

  remember(userId: string, clientRef: string, scopes: readonly string[]): Promise<void> {
    return this.repository.addScopes(userId, clientRef, [...scopes]);
  }

  listOfUser(userId: string): Promise<Consent[]> {
    return this.repository.listOfUser(userId);
  }

  /** For the audit trail's view of a withdrawn consent. */
  find(consentId: string): Promise<Consent | null> {
    return this.repository.findById(consentId);
  }

  /** false when the user has no such consent. The grants go with it, and the resource servers hear of it. */
  revoke(userId: string, consentId: string): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const deleted = await this.repository.delete(userId, consentId, tx);
      if (!deleted) return false;
      await this.revoker.revokeAllOfUserAtClient(userId, deleted.clientRef, tx);
      return true;
    });
  }
}
