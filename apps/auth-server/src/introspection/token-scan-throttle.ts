import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TooManyAttempts } from '#oauth';
import { requestContextOf } from '#observability';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import { UnknownTokenCounter, type ScanPolicy } from '../rate-limit/unknown-token-counter.js';
import { hashToken, looksLikeJwt } from '../tokens/refresh-token.js';

/** SECURITY-CHECKLIST IN-7: 100 distinct unknown tokens in a minute refuse that client until the minute ends. */
export const DEFAULT_SCAN_POLICY: ScanPolicy = { maxUnknownTokens: 100, windowSeconds: 60 };

/**
 * Token scanning by an authenticated client (IN-7; TC-10 covers a wrong secret). Counted per
 * client: introspections of tokens this server never issued, each distinct one once (a retry, or
 * the resource server's Basic check probe, is no new guess). Expired, revoked or rotated-out
 * tokens are ours and do not count: resource servers see them in normal traffic.
 *
 * While locked, the client gets 429 for every token that cannot prove itself ours by its
 * signature: an opaque token before its lookup, a JWT once it fails the check. A JWT signed here is
 * still answered, so that a resource server, which introspects whatever its callers send, keeps
 * admitting valid tokens when garbage locks it; a scanner's guesses are all refused.
 *
 * In memory, per instance: a shared count (auth_failures) would cost a DB write per unknown token,
 * making the scan a load on the database it should spare, and its read would reach the hot path.
 * With N instances a scanner gets N times the limit: still bounded, and the tokens are 256-bit
 * values or signed, so the limit bounds cost and shows the scan (audited once per lock), not odds.
 */
@Injectable()
export class TokenScanThrottle {
  private policy = DEFAULT_SCAN_POLICY;
  private counter = new UnknownTokenCounter(DEFAULT_SCAN_POLICY);

  constructor(private readonly audit: AuditWriter) {}

  /** Before the lookup: a locked client's opaque token is refused without one. */
  beforeLookup(caller: Client, token: string): void {
    if (!looksLikeJwt(token)) this.refuseIfLocked(caller);
  }

  /** After introspection found a token this server never issued: refused while locked, else counted. */
  unknownToken(caller: Client, token: string, request: Pick<FastifyRequest, 'id' | 'ip'>): void {
    this.refuseIfLocked(caller);
    if (!this.counter.counted(caller.clientId, hashToken(token))) return;
    const { maxUnknownTokens: limit, windowSeconds } = this.policy;
    const event = { action: 'introspection.throttled', actor: { type: 'client' as const, id: caller.clientId }, targetType: 'client', targetId: caller.clientId, details: { limit, windowSeconds } };
    this.audit.record(event, requestContextOf(request));
  }

  /** Tests shorten the policy through this; every count starts afresh. */
  usePolicy(policy: ScanPolicy): void {
    this.policy = policy;
    this.counter = new UnknownTokenCounter(policy);
  }

  private refuseIfLocked(caller: Client): void {
    const seconds = this.counter.lockedForSeconds(caller.clientId);
    if (seconds > 0) throw new TooManyAttempts(seconds, 'too many introspections of unknown tokens, retry later');
  }
}
