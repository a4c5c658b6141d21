import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity.js';
import type { Permission, User } from './user.js';

export interface StoredUser {
  user: User;
  passwordHash: string;
}

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

  async insert(username: string, passwordHash: string, permissions: Permission[]): Promise<User> {
    const saved = await this.users.save(this.users.create({ username, passwordHash, permissions, active: true }));
    return toUser(saved);
  }
}

export function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    username: entity.username,
    permissions: entity.permissions as Permission[],
    active: entity.active,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}
