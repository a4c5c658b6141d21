import { describe, expect, it } from '@jest/globals';
import { mergeProfile } from './merge-profile.js';

const NOW = 1_800_000_000;

describe(mergeProfile.name, () => {
  it('keeps claims left out, sets the given ones and removes the null ones, stamping updated_at', () => {
    const current = { name: 'Jane Doe', nickname: 'JD', locale: 'en', updated_at: 1 };
    expect(mergeProfile(current, { nickname: null, locale: 'fr-FR' }, NOW)).toEqual({ name: 'Jane Doe', locale: 'fr-FR', updated_at: NOW });
  });

  it('returns the current profile, updated_at untouched, when nothing changes', () => {
    const current = { name: 'Jane Doe', address: { locality: 'Paris', country: 'FR' }, updated_at: 1 };
    expect(mergeProfile(current, { name: 'Jane Doe', address: { country: 'FR', locality: 'Paris' }, nickname: null }, NOW)).toBe(current);
    expect(mergeProfile({}, {}, NOW)).toEqual({});
  });

  it('replaces the address as a whole and drops one without any part', () => {
    const current = { address: { street_address: '1 Main St', locality: 'Springfield' } };
    expect(mergeProfile(current, { address: { locality: 'Shelbyville', region: null } }, NOW)).toEqual({
      address: { locality: 'Shelbyville' },
      updated_at: NOW,
    });
    expect(mergeProfile(current, { address: { region: null } }, NOW)).toEqual({ updated_at: NOW });
  });

  it('marks a changed email or phone number unverified unless the change says otherwise', () => {
    const current = { email: 'a@example.com', email_verified: true, phone_number: '+14155550100', phone_number_verified: true };
    expect(mergeProfile(current, { email: 'b@example.com' }, NOW)).toMatchObject({
      email: 'b@example.com',
      email_verified: false,
      phone_number_verified: true,
    });
    expect(mergeProfile(current, { email: 'b@example.com', email_verified: true }, NOW)).toMatchObject({ email_verified: true });
    expect(mergeProfile(current, { phone_number: null }, NOW)).toEqual({ email: 'a@example.com', email_verified: true, updated_at: NOW });
    expect(mergeProfile(current, { email: 'a@example.com' }, NOW)).toBe(current);
  });
});
