import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { Page } from '../common/pagination.js';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import { CreateUserBody } from './dto/create-user.body.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UpdateUserBody } from './dto/update-user.body.js';
import { toUserPage, toUserResponse, type UserResponse } from './dto/user.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UsersAdminService } from './users-admin.service.js';

@AdminApi()
@Controller('admin/v1/users')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @Post()
  async create(@Body() body: CreateUserBody): Promise<UserResponse> {
    return toUserResponse(await this.users.create(body));
  }

  @Get()
  async list(@Query() query: ListUsersQuery): Promise<Page<UserResponse>> {
    return toUserPage(await this.users.list(query));
  }

  @Get(':id')
  async get(@Param('id', UserIdPipe) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(id));
  }

  @Patch(':id')
  async update(@Param('id', UserIdPipe) id: string, @Body() body: UpdateUserBody): Promise<UserResponse> {
    return toUserResponse(await this.users.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', UserIdPipe) id: string): Promise<void> {
    await this.users.delete(id);
  }
}
