import { Injectable } from '@nestjs/common';
import { dummyPasswordHash, verifyPassword } from './password-hasher.js';
import type { User } from './user.js';
import { UsersRepository, type StoredUser } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(private readonly repository: UsersRepository) {}

  /**
   * The user when the username exists, is active and the password matches; null otherwise.
   * Unknown users still cost one KDF run, so timing does not reveal which usernames exist.
   */
  async authenticate(username: string, password: string): Promise<User | null> {
    return (await this.authenticateStored(username, password))?.user ?? null;
  }

  /** As authenticate(), with the stored hash the password matched (RecentBasicLogins keys on it). */
  async authenticateStored(username: string, password: string): Promise<StoredUser | null> {
    const stored = await this.repository.findByUsername(username);
    const matches = await verifyPassword(password, stored?.passwordHash ?? dummyPasswordHash());
    if (!stored || !matches || !stored.user.active) return null;
    return stored;
  }

  findWithPasswordHash(username: string): Promise<StoredUser | null> {
    return this.repository.findByUsername(username);
  }

  findById(id: string): Promise<User | null> {
    return this.repository.findById(id);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.repository.findByUsername(username).then((stored) => stored?.user ?? null);
  }
}
