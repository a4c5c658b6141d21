import { Inject, Injectable, Logger } from '@nestjs/common';
import { RegistrySyncService } from './registry-sync.service.js';

/** At most one catch-up load a second: an unknown client's tokens cannot make this server hammer the auth server. */
const MIN_INTERVAL_MS = 1000;

/**
 * A token correctly signed by the auth server for a client this registry does not know yet: a
 * client registered a moment ago (dynamic registration, a client ID metadata document) whose event
 * has not arrived, or, without Redis, before the next snapshot poll. An agent registers and calls
 * at once; rather than refuse it until the next poll, the registry loads the snapshot again, then
 * the token is judged once more. Concurrent asks share one load; loads are spaced by a second.
 */
@Injectable()
export class RegistryCatchUp {
  private readonly logger = new Logger('RegistryCatchUp');
  private inflight: Promise<void> | undefined;
  private lastLoadAt = -Infinity;

  constructor(@Inject(RegistrySyncService) private readonly sync: Pick<RegistrySyncService, 'resync'>) {}

  refresh(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    if (performance.now() - this.lastLoadAt < MIN_INTERVAL_MS) return Promise.resolve();
    this.lastLoadAt = performance.now();
    this.inflight = this.sync
      .resync()
      .catch((error: unknown) => this.logger.warn(`registry catch-up failed: ${(error as Error).message}`))
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
