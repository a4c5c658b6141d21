import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import type { RequestContext } from '#observability';
import { SyncEvents } from '#sync/events';
import type { AuditActor, AuditEventInput } from '../audit/audit-event.js';
import { AuditWriter } from '../audit/audit-writer.js';
import { isUuid } from '../common/uuid.js';
import { OutboxWriter } from '../outbox/outbox.writer.js';
import { clientCutoffRevocation } from '../clients/client-cutoff.repository.js';
import type { RevokedGrants } from './grant.js';
import { GrantRevocationsRepository, type RevocationCondition, type RevocationTransaction } from './grant-revocations.repository.js';

/**
 * Revokes token families (grants) and tells the resource servers through the outbox, in the same
 * transaction. Revocations only add state, so the event version is the time in milliseconds:
 * consumers never need to order two revocations against each other.
 */
@Injectable()
export class TokenRevoker {
  constructor(
    private readonly repository: GrantRevocationsRepository,
    private readonly outbox: OutboxWriter,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * true when a grant was revoked now (false: unknown or already revoked). `origin`, here and below:
   * the request's context, from callers that pass it by hand (else the store's).
   */
  async revokeGrant(grantId: string, by?: AuditActor, origin?: RequestContext): Promise<boolean> {
    if (!isUuid(grantId)) return false;
    const revoked = await this.repository.inTransaction((revocations) => this.revokeAndPublish(revocations, 'id', grantId));
    if (revoked) this.audit.record({ action: 'token.revoked', actor: by, targetType: 'grant', targetId: grantId }, origin);
    return revoked;
  }

  /** A replayed authorization code revokes what it produced (RFC 6749 §4.1.2). */
  revokeByAuthorizationCode(codeHash: string, origin?: RequestContext): Promise<boolean> {
    return this.revokeReplayed('code', codeHash, 'authorization_code', { targetType: 'authorization_code' }, origin);
  }

  /** A device code redeemed again revokes the grant its first redemption wrote, as a replayed authorization code does. */
  revokeByDeviceRequest(deviceRequestId: string, grantId: string): Promise<boolean> {
    return this.revokeReplayed('id', grantId, 'device_code', { targetType: 'device_request', targetId: deviceRequestId });
  }

  /** Every grant of a client; false when the client does not exist. */
  async revokeAllOfClient(clientRef: string): Promise<boolean> {
    if (!isUuid(clientRef)) return false;
    return this.repository.inTransaction(async (revocations) => {
      const clientId = await revocations.clientIdOf(clientRef);
      if (!clientId) return false;
      const revoked = await revocations.revokeWhere('client', clientRef);
      const payload = await clientCutoffRevocation(revocations.tx, clientRef, clientId, await revocations.now());
      await this.outbox.append(revocations.tx, SyncEvents.tokensRevoked, clientId, Date.now(), payload);
      // Tokens other clients got by exchanging this client's tokens (RFC 8693): the cut-off does not name them.
      await this.publish(revocations, revoked.filter((group) => group.clientId !== clientId));
      this.audit.record({ action: 'token.revoked', targetType: 'client', targetId: clientId, details: { all: true } });
      return true;
    });
  }

  /**
   * Every grant of a user, inside the caller's transaction (a user deactivated or deleted): the
   * events name the grant ids, so resource servers that verify JWTs offline refuse them too.
   */
  async revokeAllOfUser(userId: string, tx: Tx): Promise<void> {
    if (await this.revokeAndPublish(this.repository.within(tx), 'user', userId)) this.audit.record({ action: 'token.revoked', targetType: 'user', targetId: userId, details: { all: true } });
  }

  /** The grants a user gave one client, inside the caller's transaction (a consent withdrawn). */
  async revokeAllOfUserAtClient(userId: string, clientRef: string, tx: Tx): Promise<boolean> {
    return this.revokeAndPublish(this.repository.within(tx), 'userAtClient', userId, clientRef);
  }

  /** What a one-time code presented again had produced; audited only when something was still live. */
  private async revokeReplayed(
    condition: 'code' | 'id',
    value: string,
    replayed: string,
    target: Pick<AuditEventInput, 'targetType' | 'targetId'>,
    origin?: RequestContext,
  ): Promise<boolean> {
    const revoked = await this.repository.inTransaction((revocations) => this.revokeAndPublish(revocations, condition, value));
    if (revoked) this.audit.record({ action: 'token.reuse_detected', ...target, details: { replayed, revoked: true } }, origin);
    return revoked;
  }

  private async revokeAndPublish(revocations: RevocationTransaction, condition: Exclude<RevocationCondition, 'client'>, ...values: string[]): Promise<boolean> {
    const revoked = await revocations.revokeWhere(condition, ...values);
    await this.publish(revocations, revoked);
    return revoked.length > 0;
  }

  private async publish(revocations: RevocationTransaction, revoked: RevokedGrants[]): Promise<void> {
    for (const { clientId, grantIds, expiresAt } of revoked) {
      await this.outbox.append(revocations.tx, SyncEvents.tokensRevoked, clientId, Date.now(), { clientId, grantIds, expiresAt: expiresAt?.toISOString() ?? null });
    }
  }
}
