import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { DEFAULT_REGISTRATION_POLICY, DEFAULT_SETTINGS, type Settings } from './settings.js';
import { SettingsRepository } from './settings.repository.js';

/** How long a read of the settings may be reused: other instances see a change within this time. */
const CACHE_MS = 1000;

@Injectable()
export class SettingsService {
  private cached?: { settings: Settings; at: number };

  constructor(
    private readonly repository: SettingsRepository,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  /** Read on every token request, so it is cached briefly. */
  async get(): Promise<Settings> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.settings;
    const stored = await this.repository.readAll();
    const settings: Settings = { ...DEFAULT_SETTINGS, accessTokenAudience: this.config.resourceAudience, ...(stored as Partial<Settings>) };
    // A policy stored before one of its fields existed gets that field's default.
    settings.registrationPolicy = { ...DEFAULT_REGISTRATION_POLICY, ...settings.registrationPolicy };
    this.cached = { settings, at: Date.now() };
    return settings;
  }

  async update(changes: Partial<Settings>): Promise<Settings> {
    await this.repository.write(changes);
    this.cached = undefined;
    return this.get();
  }
}
