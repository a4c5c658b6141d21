import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { Page } from '../common/pagination.js';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { CreateUserBody } from './dto/create-user.body.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UpdateUserBody } from './dto/update-user.body.js';
import { toUserPage, toUserResponse, type UserResponse } from './dto/user.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UsersAdminService } from './users-admin.service.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, ApiPageResponse, ApiQueryDto } from '#operability';
import { USER_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: users')
@Controller('admin/v1/users')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ schema: USER_VIEW })
  @ApiProblems(400, 409)
  @Post()
  async create(@Body() body: CreateUserBody): Promise<UserResponse> {
    return toUserResponse(await this.users.create(body));
  }

  @ApiOperation({ summary: 'List users' })
  @ApiQueryDto(ListUsersQuery)
  @ApiPageResponse(USER_VIEW)
  @ApiProblems(400)
  @Get()
  async list(@Query() query: ListUsersQuery): Promise<Page<UserResponse>> {
    return toUserPage(await this.users.list(query));
  }

  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ schema: USER_VIEW })
  @ApiProblems(404)
  @Get(':id')
  async get(@Param('id', UserIdPipe) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(id));
  }

  @ApiOperation({ summary: 'Change a user' })
  @ApiOkResponse({ schema: USER_VIEW })
  @ApiProblems(400, 404)
  @Patch(':id')
  async update(@Param('id', UserIdPipe) id: string, @Body() body: UpdateUserBody): Promise<UserResponse> {
    return toUserResponse(await this.users.update(id, body));
  }

  @ApiOperation({ summary: 'Delete a user' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', UserIdPipe) id: string): Promise<void> {
    await this.users.delete(id);
  }
}
