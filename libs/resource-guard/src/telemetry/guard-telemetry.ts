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

  onJwksFetch(listener: Listener<[]>): void {
    this.jwksFetchListeners.push(listener);
  }

  onDeadLetter(listener: Listener<[DeadLetterReason]>): void {
    this.deadLetterListeners.push(listener);
  }

  /** Every fetch of an authorization server's JWKS (start, unknown kid, expiry). */
  jwksFetched(): void {
    for (const listener of this.jwksFetchListeners) listener();
  }

  /** A stream entry refused and moved to the dead-letter stream. */
  deadLettered(reason: DeadLetterReason): void {
    for (const listener of this.deadLetterListeners) listener(reason);
  }
}

@Module({ providers: [GuardTelemetry], exports: [GuardTelemetry] })
export class GuardTelemetryModule {}
