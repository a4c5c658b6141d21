import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { limitQueuedPasswordHashes, usePasswordHashCost } from './password-hasher.js';

/**
 * Applies PASSWORD_HASH_QUEUE_LIMIT and PASSWORD_HASH_COST to the process-wide hasher. In the
 * constructor: every provider is built before any lifecycle hook runs, so the initial admin's
 * password (hashed in a hook) already gets the configured cost.
 */
@Injectable()
export class PasswordHashingLimit {
  constructor(@Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig) {
    limitQueuedPasswordHashes(config.limits.passwordHashQueue);
    usePasswordHashCost(config.passwordHashCost);
  }
}
