import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundProblem } from '#errors';
import { ApiProblems } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { isUuid } from '../common/uuid.js';
import { USER_SESSION_VIEW } from '../openapi/schemas.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { toUserSessionResponse, type UserSessionResponse } from './dto/user-session.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UsersAdminService } from './users-admin.service.js';

/** A user's browser sessions (single sign-on): listed for the console, ended one by one. */
@AdminApi()
@ApiTags('admin: users')
@Controller('admin/v1/users/:id/sessions')
export class UserSessionsAdminController {
  constructor(
    private readonly users: UsersAdminService,
    private readonly sessions: BrowserSessionsService,
  ) {}

  @ApiOperation({ summary: "List a user's live browser sessions, newest first (at most 100)" })
  @ApiOkResponse({ schema: { type: 'array', items: USER_SESSION_VIEW } })
  @ApiProblems(404)
  @Get()
  async list(@Param('id', UserIdPipe) id: string): Promise<UserSessionResponse[]> {
    await this.users.get(id);
    return (await this.sessions.listOfUser(id)).map(toUserSessionResponse);
  }

  @ApiOperation({ summary: 'End a browser session: the next authorization request from that browser asks for a login' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':sessionId')
  @HttpCode(204)
  async end(@Param('id', UserIdPipe) id: string, @Param('sessionId') sessionId: string): Promise<void> {
    if (!isUuid(sessionId) || !(await this.sessions.endOne(id, sessionId.toLowerCase()))) throw new NotFoundProblem('no such session of this user');
  }
}
