import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TokenModule } from '../token/token.module.js';
import { UsersModule } from '../users/users.module.js';
import { DeviceAuthorizationController } from './device-authorization.controller.js';
import { DeviceAuthorizationService } from './device-authorization.service.js';
import { DevicePageController } from './device-page.controller.js';
import { DevicePageService } from './device-page.service.js';
import { DeviceRequestsAdminController } from './device-requests-admin.controller.js';
import { DeviceRequestsModule } from '../device-requests/device-requests.module.js';

/**
 * RFC 8628: POST /oauth/device_authorization, the /device pages and the admin list. The polling
 * grant lives with the other grants (token/grants/device-code); both use DeviceRequestsModule.
 */
@Module({
  imports: [DeviceRequestsModule, TokenModule, ClientsModule, UsersModule, SessionsModule, RateLimitModule, AuditModule, ResourcesModule, SettingsModule],
  controllers: [DeviceAuthorizationController, DevicePageController, DeviceRequestsAdminController],
  providers: [DeviceAuthorizationService, DevicePageService],
})
export class DeviceAuthorizationModule {}
