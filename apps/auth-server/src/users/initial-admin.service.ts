import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { hashPassword } from './password-hasher.js';
import { Permissions } from '../common/permissions.js';
import { UsersRepository } from './users.repository.js';

/** What the launcher prints: the admin login created at first start, if any. */
export interface InitialAdminCredentials {
  username: string;
  /** Present only when this start created the user. */
  password?: string;
  generated: boolean;
}

/** CONTRACT.md: the first admin user is created at first start when no user exists. */
@Injectable()
export class InitialAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InitialAdminService.name);
  credentials: InitialAdminCredentials;

  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly users: UsersRepository,
  ) {
    this.credentials = { username: config.admin.username, generated: false };
  }

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const generated = !this.config.admin.password;
    const password = this.config.admin.password ?? randomBytes(18).toString('base64url');
    try {
      await this.users.insert(this.config.admin.username, await hashPassword(password), [Permissions.accessControl]);
    } catch (error) {
      // Another instance created the first user at the same moment: theirs stands.
      if ((await this.users.count()) > 0) return;
      throw error;
    }
    this.credentials = { username: this.config.admin.username, password, generated };
    this.logger.log(`created the initial admin user "${this.config.admin.username}"${generated ? ' with a generated password' : ''}`);
  }
}
