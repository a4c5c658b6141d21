import { Module } from '@nestjs/common';
import { DeviceRequestsRepository } from './device-requests.repository.js';

/**
 * Storage of device authorization requests (RFC 8628), shared by the endpoint and pages
 * (device-authorization) and the polling grant (token/grants/device-code), which must not
 * depend on each other's folders.
 */
@Module({ providers: [DeviceRequestsRepository], exports: [DeviceRequestsRepository] })
export class DeviceRequestsModule {}
