import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundProblem } from '#errors';
import { ApiProblems } from '#operability';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { isUuid } from '../common/uuid.js';
import { ConsentsService } from '../consents/consents.service.js';
import { USER_CONSENT_VIEW } from '../openapi/schemas.js';
import { toUserConsentResponse, type UserConsentResponse } from './dto/user-consent.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UsersAdminService } from './users-admin.service.js';

/** The consents a user gave (remembered per client and scopes); withdrawing one revokes its tokens. */
@AdminApi()
@ApiTags('admin: users')
@Controller('admin/v1/users/:id/consents')
export class UserConsentsAdminController {
  constructor(
    private readonly users: UsersAdminService,
    private readonly consents: ConsentsService,
  ) {}

  @ApiOperation({ summary: "List a user's remembered consents" })
  @ApiOkResponse({ schema: { type: 'array', items: USER_CONSENT_VIEW } })
  @ApiProblems(404)
  @Get()
  async list(@Param('id', UserIdPipe) id: string): Promise<UserConsentResponse[]> {
    await this.users.get(id);
    return (await this.consents.listOfUser(id)).map(toUserConsentResponse);
  }

  @ApiOperation({ summary: "Withdraw a consent: the client asks again next time, and the user's tokens at that client are revoked" })
  @ApiNoContentResponse()
  @ApiProblems(404)
  @Delete(':consentId')
  @HttpCode(204)
  async revoke(@Param('id', UserIdPipe) id: string, @Param('consentId') consentId: string): Promise<void> {
    if (!isUuid(consentId) || !(await this.consents.revoke(id, consentId.toLowerCase()))) throw new NotFoundProblem('no such consent of this user');
  }
}
