import { DEFAULT_REGISTRATION_POLICY, DEFAULT_SETTINGS, type Settings } from '../settings/settings.js';

/**
 * The settings from their stored key/value rows, as SettingsService.get() completes them (defaults,
 * the configured audience), but read inside the import's transaction: SettingsService caches for a
 * second, and an import must plan against what it then overwrites.
 */
export function settingsFrom(stored: Record<string, unknown>, resourceAudience: string): Settings {
  const settings = { ...DEFAULT_SETTINGS, accessTokenAudience: resourceAudience, ...(stored as Partial<Settings>) };
  return { ...settings, registrationPolicy: { ...DEFAULT_REGISTRATION_POLICY, ...settings.registrationPolicy } };
}
