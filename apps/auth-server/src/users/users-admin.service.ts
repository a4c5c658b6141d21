import { Injectable } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, sqlState, UNIQUE_VIOLATION, ValidationProblem } from '#errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, isCursorText, toPage, type Page } from '../common/pagination.js';
import type { CreateUserBody } from './dto/create-user.body.js';
import type { ListUsersQuery } from './dto/list-users.query.js';
import type { UpdateUserBody } from './dto/update-user.body.js';
import { assertAnAdminRemains } from './last-admin.js';
import { hashPassword } from './password-hasher.js';
import { mergeProfile } from './profile/merge-profile.js';
import { UserProfileCache } from './profile/user-profile-cache.js';
import type { ProfileChanges, UserProfile } from './profile/user-profile.js';
import type { User } from './user.js';
import { ClientsRepository } from '../clients/clients.repository.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { TokenRevoker } from '../tokens/token-revoker.js';
import { UsersRepository, type UserChanges } from './users.repository.js';

/** The admin API's use cases for users (CONTRACT.md, Settings and users). */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly repository: UsersRepository,
    private readonly clients: ClientsRepository,
    private readonly revoker: TokenRevoker,
    private readonly profiles: UserProfileCache,
    private readonly sessions: BrowserSessionsService,
  ) {}

  async create(body: CreateUserBody): Promise<User> {
    const passwordHash = await hashPassword(body.password);
    const profile = mergeProfile({}, body.profile ?? {}, nowSeconds());
    try {
      // Checked and written under the subject-names lock, which an import creating clients holds too.
      return await this.repository.inTransaction(async ({ tx }) => {
        await this.repository.lockSubjectNames(tx);
        if (await this.clients.findByClientId(body.username, tx)) throw usernameIsAClientId();
        return this.repository.insertIn(tx, { username: body.username, passwordHash, permissions: body.permissions ?? [], active: true, profile });
      });
    } catch (error) {
      // The unique index on lower(username) decides, so concurrent creates give one 201 and 409s.
      if (sqlState(error) === UNIQUE_VIOLATION) throw usernameTaken();
      throw error;
    }
  }

  async list(query: ListUsersQuery): Promise<Page<User>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(query.cursor, { u: isCursorText });
    const rows = await this.repository.list({ limit: limit + 1, afterUsername: after?.u, username: query.username });
    return toPage(rows, limit, (last) => ({ u: last.username }));
  }

  async get(id: string): Promise<User> {
    return (await this.repository.findById(id)) ?? throwNotFound();
  }

  async update(id: string, body: UpdateUserBody): Promise<User> {
    const changes = await toChanges(body);
    const updated = await this.repository.inTransaction(async (transaction) => {
      const adminIds = await transaction.lockActiveAdminIds();
      const user = (await transaction.findById(id)) ?? throwNotFound();
      if (body.profile !== undefined) changes.profile = mergeProfile(user.profile, profileChanges(user.profile, body.profile), nowSeconds());
      assertAnAdminRemains(id, { active: changes.active ?? user.active, permissions: changes.permissions ?? user.permissions }, adminIds);
      // A deactivated user's tokens die with the deactivation, and resource servers hear of it.
      if (changes.active === false && user.active) {
        await this.revoker.revokeAllOfUser(id, transaction.tx);
        // Their browsers are signed out in the same commit (deletion does it by ON DELETE CASCADE).
        await this.sessions.endAllOfUser(id, transaction.tx);
      }
      return transaction.update(id, changes);
    });
    this.profiles.forget(id);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.repository.inTransaction(async (transaction) => {
      const adminIds = await transaction.lockActiveAdminIds();
      if (!(await transaction.findById(id))) throwNotFound();
      assertAnAdminRemains(id, null, adminIds);
      // Revoked before the cascade deletes the grant rows, so that the events can name them.
      await this.revoker.revokeAllOfUser(id, transaction.tx);
      await transaction.delete(id);
    });
    this.profiles.forget(id);
  }
}

async function toChanges(body: UpdateUserBody): Promise<UserChanges> {
  const changes: UserChanges = {};
  if (body.active !== undefined) changes.active = body.active;
  if (body.permissions !== undefined) changes.permissions = body.permissions;
  if (body.password !== undefined) changes.passwordHash = await hashPassword(body.password);
  if (Object.keys(changes).length === 0 && body.profile === undefined)
    throw ValidationProblem.field('body', 'give at least one of password, active, permissions, profile');
  return changes;
}

/** `profile: null` removes every claim. */
function profileChanges(current: UserProfile, changes: ProfileChanges | null): ProfileChanges {
  return changes ?? Object.fromEntries(Object.keys(current).map((claim) => [claim, null]));
}

/** OpenID Connect's updated_at is in seconds since the epoch. */
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A user's tokens carry the username as `sub`, a client's own tokens its client id (RFC 9068): a
 * user named like a client would make the two indistinguishable to a resource server
 * (SECURITY-CHECKLIST AD-6, CC-4). Client ids created here are generated, so only the username can be
 * refused; an import names its clients' ids and refuses the other way (import-export/plan-subjects.ts).
 */
function usernameIsAClientId(): ConflictProblem {
  return new ConflictProblem('the username is the id of a client', [{ field: 'username', message: "username must not be a client's client_id: its tokens' sub would not tell the user from the client" }]);
}

function usernameTaken(): ConflictProblem {
  return new ConflictProblem('a user with this username already exists', [{ field: 'username', message: 'username is already taken (case-insensitively)' }]);
}

function throwNotFound(): never {
  throw new NotFoundProblem('no user with this id');
}
