import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { limitQueuedPasswordHashes } from './password-hasher.js';

/** Applies PASSWORD_HASH_QUEUE_LIMIT to the process-wide hashing queue at boot. */
@Injectable()
export class PasswordHashingLimit implements OnModuleInit {
  constructor(@Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig) {}

  onModuleInit(): void {
    limitQueuedPasswordHashes(this.config.limits.passwordHashQueue);
  }
}
