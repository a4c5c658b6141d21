import { Injectable, Module } from '@nestjs/common';
import type { DeadLetterReason } from '#sync';

type Listener<T extends unknown[]> = (...args: T) => void;

/**
 * What the guard observes and a host may count (the resource server's metrics subscribe): the
 * guard does not depend on any metrics library, a host that does not listen pays nothing.
 */
@Injectable()
export class GuardTelemetry {
  private readonly jwksFetchListeners: Listener<[]>[] = [];
  private readonly deadLetterListeners: Listener<[DeadLetterReason]>[] = [];
  private readonly revocationsPrunedListeners: Listener<[number]>[] = [];
  private readonly duplicateListeners: Listener<[]>[] = [];

  onJwksFetch(listener: Listener<[]>): void {
    this.jwksFetchListeners.push(listener);
  }

  onDeadLetter(listener: Listener<[DeadLetterReason]>): void {
    this.deadLetterListeners.push(listener);
  }

  onRevocationsPruned(listener: Listener<[number]>): void {
    this.revocationsPrunedListeners.push(listener);
  }

  onDuplicate(listener: Listener<[]>): void {
    this.duplicateListeners.push(listener);
  }

  /** Every fetch of an authorization server's JWKS (start, unknown kid, expiry). */
  jwksFetched(): void {
    for (const listener of this.jwksFetchListeners) listener();
  }

  /** Revocations removed from the registry's database once their tokens expired (a purge's count). */
  revocationsPruned(count: number): void {
    for (const listener of this.revocationsPrunedListeners) listener(count);
  }

  /** An event delivered again after it was applied, and not applied twice (SECURITY-CHECKLIST F-5). */
  duplicateDelivered(): void {
    for (const listener of this.duplicateListeners) listener();
  }

  /** A stream entry refused and moved to the dead-letter stream. */
  deadLettered(reason: DeadLetterReason): void {
    for (const listener of this.deadLetterListeners) listener(reason);
  }
}

@Module({ providers: [GuardTelemetry], exports: [GuardTelemetry] })
export class GuardTelemetryModule {}
