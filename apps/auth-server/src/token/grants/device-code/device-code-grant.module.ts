import { Module } from '@nestjs/common';
import { AuditModule } from '../../../audit/audit.module.js';
import { ClientsModule } from '../../../clients/clients.module.js';
import { DeviceRequestsModule } from '../../../device-requests/device-requests.module.js';
import { ResourcesModule } from '../../../resources/resources.module.js';
import { TokensModule } from '../../../tokens/tokens.module.js';
import { UsersModule } from '../../../users/users.module.js';
import { DeviceCodeGrant } from './device-code.grant.js';

/** Registers the device_code handler; the token endpoint finds it by its decorator. */
@Module({ imports: [DeviceRequestsModule, ClientsModule, TokensModule, ResourcesModule, UsersModule, AuditModule], providers: [DeviceCodeGrant] })
export class DeviceCodeGrantModule {}
