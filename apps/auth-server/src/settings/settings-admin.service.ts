import { Injectable } from '@nestjs/common';
import { ValidationProblem } from '#errors';
import type { Settings } from './settings.js';
import { SettingsService } from './settings.service.js';
import type { UpdateSettingsBody } from './update-settings.body.js';

/** The admin API's view of the settings: an empty change is a client mistake, not a no-op. */
@Injectable()
export class SettingsAdminService {
  constructor(private readonly settings: SettingsService) {}

  get(): Promise<Settings> {
    return this.settings.get();
  }

  async update(body: UpdateSettingsBody): Promise<Settings> {
    const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<Settings>;
    if (Object.keys(changes).length === 0) {
      throw ValidationProblem.field(
        'body',
        'give at least one of accessTokenLifetimeSeconds, authorizationCodeLifetimeSeconds, deviceCodeLifetimeSeconds, sessionLifetimeSeconds, accessTokenAudience, auditRetentionDays, clientIdMetadataDocuments, clientIdMetadataDocumentHosts, dynamicRegistration, registrationPolicy, dpopNonceRequired, requirePushedAuthorizationRequests',
      );
    }
    // The policy is patched field by field: a body naming one limit keeps the others.
    if (changes.registrationPolicy) {
      const policy = Object.fromEntries(Object.entries(changes.registrationPolicy).filter(([, value]) => value !== undefined));
      changes.registrationPolicy = { ...(await this.settings.get()).registrationPolicy, ...policy };
    }
    return this.settings.update(changes);
  }
}
