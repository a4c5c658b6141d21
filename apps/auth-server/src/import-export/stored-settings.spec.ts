import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REGISTRATION_POLICY, DEFAULT_SETTINGS } from '../settings/settings.js';
import { settingsFrom } from './stored-settings.js';

describe(settingsFrom.name, () => {
  it('completes the stored rows with the defaults and the configured audience', () => {
    expect(settingsFrom({}, 'https://rs.example.com')).toEqual({ ...DEFAULT_SETTINGS, accessTokenAudience: 'https://rs.example.com' });
  });

  it('keeps what is stored, and fills a registration policy stored before one of its fields existed', () => {
    const settings = settingsFrom({ accessTokenLifetimeSeconds: 900, accessTokenAudience: 'https://api.example.com', registrationPolicy: { maxScopes: 3 } }, 'https://rs.example.com');
    expect([settings.accessTokenLifetimeSeconds, settings.accessTokenAudience, settings.registrationPolicy]).toEqual([900, 'https://api.example.com', { ...DEFAULT_REGISTRATION_POLICY, maxScopes: 3 }]);
  });
});
