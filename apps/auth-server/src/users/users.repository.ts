import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { Tx } from '#database';
import { entityManagerOf, txOf } from '#database/persistence';
import { UserEntity } from './user.entity.js';
import { Permissions, type Permission } from '../common/permissions.js';
import type { User } from './user.js';
import type { UserProfile } from './profile/user-profile.js';

export interface StoredUser {
  user: User;
  passwordHash: string;
}

export interface UserListFilter {
  /** Rows to fetch (callers ask for one more than the page size). */
  limit: number;
  /** Keyset: only usernames sorting after this one (case-insensitively). */
  afterUsername?: string;
  /** Exact, case-insensitive match. */
  username?: string;
}

export interface UserChanges {
  passwordHash?: string;
  active?: boolean;
  permissions?: Permission[];
  profile?: UserProfile;
}

/** A user row to write: the admin API's create (active) or the registry import's (the hash and the active flag as the file gives them). */
export interface NewUser {
  username: string;
  passwordHash: string;
  permissions: Permission[];
  active: boolean;
  profile: UserProfile;
}

/** The operations available inside one transaction (see UsersRepository.inTransaction). */
export interface UsersTransaction {
  /**
   * Ids of the active users holding access_control, each row locked until the transaction ends,
   * so that two concurrent changes cannot both remove "the other" last admin.
   */
  lockActiveAdminIds(): Promise<string[]>;
  findById(id: string): Promise<User | null>;
  update(id: string, changes: UserChanges): Promise<User>;
  delete(id: string): Promise<void>;
  /** For work that must commit with the user change (revoking the user's tokens). */
  readonly tx: Tx;
}

const ADMIN_PERMISSION_JSON = JSON.stringify([Permissions.accessControl]);
/**
 * A user's tokens carry the username as `sub`, a client's own tokens its client id: the writes that
 * can make the two equal (a user created, an import's clients and users) each check the other table
 * and write under this one lock, so that two of them running at once cannot both pass their check
 * (SECURITY-CHECKLIST AD-6, CC-4). A transaction-scoped advisory lock: it ends with the transaction,
 * also through PgBouncer's transaction pooling.
 */
const SUBJECT_NAMES_LOCK = 'portcullis:subject-names';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async count(): Promise<number> {
    return this.users.count();
  }

  async findByUsername(username: string): Promise<StoredUser | null> {
    const entity = await this.users.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
    return entity ? { user: toUser(entity), passwordHash: entity.passwordHash } : null;
  }

  async findById(id: string): Promise<User | null> {
    const entity = await this.users.findOneBy({ id });
    return entity ? toUser(entity) : null;
  }

  async insert(username: string, passwordHash: string, permissions: Permission[], profile: UserProfile = {}): Promise<User> {
    const saved = await this.users.save(this.users.create({ username, passwordHash, permissions, profile, active: true }));
    return toUser(saved);
  }

  /** Sorted by lowercased username, which the unique index users_username_key makes a total order. */
  async list(filter: UserListFilter): Promise<User[]> {
    const query = this.users.createQueryBuilder('u').orderBy('lower(u.username)', 'ASC').limit(filter.limit);
    if (filter.username !== undefined) query.andWhere('lower(u.username) = lower(:username)', { username: filter.username });
    if (filter.afterUsername !== undefined) query.andWhere('lower(u.username) > lower(:after)', { after: filter.afterUsername });
    return (await query.getMany()).map(toUser);
  }

  /** Every user with its hash, in the caller's transaction: the registry export's snapshot, the import's plan. */
  async allWithHashes(tx: Tx): Promise<StoredUser[]> {
    return (await entityManagerOf(tx).find(UserEntity)).map((entity) => ({ user: toUser(entity), passwordHash: entity.passwordHash }));
  }

  /** Waits for SUBJECT_NAMES_LOCK, then holds it until the caller's transaction ends (a user's create, the registry import). */
  async lockSubjectNames(tx: Tx): Promise<void> {
    await entityManagerOf(tx).query('SELECT pg_advisory_xact_lock(hashtext($1))', [SUBJECT_NAMES_LOCK]);
  }

  /** A new user in the caller's transaction: the admin API's create (after lockSubjectNames), the registry import's rows. */
  async insertIn(tx: Tx, user: NewUser): Promise<User> {
    const manager = entityManagerOf(tx);
    return toUser(await manager.save(manager.create(UserEntity, user)));
  }

  async updateIn(tx: Tx, id: string, changes: UserChanges): Promise<void> {
    await entityManagerOf(tx).update(UserEntity, { id }, changes);
  }

  inTransaction<T>(work: (transaction: UsersTransaction) => Promise<T>): Promise<T> {
    return this.users.manager.transaction((manager) => work(new TypeOrmUsersTransaction(manager)));
  }
}

class TypeOrmUsersTransaction implements UsersTransaction {
  readonly tx: Tx;

  constructor(private readonly manager: EntityManager) {
    this.tx = txOf(manager);
  }

  async lockActiveAdminIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query('SELECT id FROM users WHERE active AND permissions @> $1::jsonb ORDER BY id FOR UPDATE', [
      ADMIN_PERMISSION_JSON,
    ]);
    return rows.map((row) => row.id);
  }

  async findById(id: string): Promise<User | null> {
    const entity = await this.manager.findOneBy(UserEntity, { id });
    return entity ? toUser(entity) : null;
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    await this.manager.update(UserEntity, { id }, changes);
    return toUser(await this.manager.findOneByOrFail(UserEntity, { id }));
  }

  async delete(id: string): Promise<void> {
    await this.manager.delete(UserEntity, { id });
  }
}

export function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    username: entity.username,
    permissions: entity.permissions as Permission[],
    active: entity.active,
    profile: entity.profile,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}
