import { Inject, Injectable } from '@nestjs/common';
import { GrantTypes, UnauthorizedClient } from '#oauth';
import { generateOpaqueValue, hashOpaqueValue } from '../common/opaque-value.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { ResourceIndicators, type ResourceParameter } from '../resources/resource-indicators.js';
import { SettingsService } from '../settings/settings.service.js';
import { resolveRequestedScopes } from '../token/scope-request.js';
import { DeviceRequestsRepository } from '../device-requests/device-requests.repository.js';
import { displayUserCode, generateUserCode } from './user-code.js';

/** RFC 8628 §3.5: the minimum seconds between polls, until slow_down grows it. */
export const POLLING_INTERVAL_SECONDS = 5;
/** A taken user code is drawn again; more than a few collisions in a row means something else is wrong. */
const USER_CODE_DRAWS = 5;

/** RFC 8628 §3.2. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface DeviceAuthorizationRequest {
  scope: string | undefined;
  resource: ResourceParameter;
  /** The device as the user should recognise it on the /device page. */
  ip: string | null;
  userAgent: string | null;
}

/** Opens device authorization requests; the codes themselves are answered once and kept as hashes. */
@Injectable()
export class DeviceAuthorizationService {
  constructor(
    private readonly repository: DeviceRequestsRepository,
    private readonly clients: ClientAuthenticator,
    private readonly resources: ResourceIndicators,
    private readonly settings: SettingsService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async open(client: Client, request: DeviceAuthorizationRequest): Promise<DeviceAuthorizationResponse> {
    if (!(client.grants as string[]).includes(GrantTypes.deviceCode)) throw new UnauthorizedClient('the client is not registered for the device_code grant');
    // Privileged scopes depend on the user, who is known only at approval (device-page.service.ts).
    const scopes = resolveRequestedScopes(request.scope, await this.clients.scopesOf(client));
    const resources = await this.resources.forAuthorization(client, request.resource);
    const { deviceCodeLifetimeSeconds } = await this.settings.get();
    const deviceCode = generateOpaqueValue();
    for (let draw = 0; draw < USER_CODE_DRAWS; draw++) {
      const userCode = generateUserCode();
      const stored = await this.repository.insert({
        deviceCodeHash: hashOpaqueValue(deviceCode),
        userCodeHash: hashOpaqueValue(userCode),
        clientRef: client.id,
        clientId: client.clientId,
        scopes,
        scopeRequested: request.scope !== undefined,
        resources,
        deviceIp: request.ip,
        deviceUserAgent: request.userAgent?.slice(0, 512) ?? null,
        lifetimeSeconds: deviceCodeLifetimeSeconds,
      });
      if (stored) return this.response(deviceCode, userCode, deviceCodeLifetimeSeconds);
    }
    throw new Error('no free user code after several draws');
  }

  private response(deviceCode: string, userCode: string, lifetimeSeconds: number): DeviceAuthorizationResponse {
    const verificationUri = `${this.config.issuer}/device`;
    const shown = displayUserCode(userCode);
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${shown}`,
      expires_in: lifetimeSeconds,
      interval: POLLING_INTERVAL_SECONDS,
    };
  }
}
