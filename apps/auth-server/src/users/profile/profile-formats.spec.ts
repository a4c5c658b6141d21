import { describe, expect, it } from '@jest/globals';
import { isBirthdate, isLocale, isTimeZone, MULTILINE_TEXT_PATTERN, PHONE_NUMBER_PATTERN, PLAIN_TEXT_PATTERN } from './profile-formats.js';

describe('profile claim formats', () => {
  it('accepts a full birthdate, a withheld year and a year alone, and refuses impossible dates', () => {
    for (const valid of ['1990-12-31', '2000-02-29', '0000-02-29', '0000-07-14', '1984']) expect(isBirthdate(valid)).toBe(true);
    for (const invalid of ['1990-02-30', '2001-02-29', '1990-13-01', '1990-1-1', '90-01-01', '0000', '1990-12-31T00:00:00Z', ''])
      expect(isBirthdate(invalid)).toBe(false);
  });

  it('accepts IANA time zones the runtime knows, nothing else', () => {
    for (const valid of ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5']) expect(isTimeZone(valid)).toBe(true);
    for (const invalid of ['Mars/Olympus_Mons', 'Europe/Paris ', '+01:00', '../etc/passwd', '']) expect(isTimeZone(invalid)).toBe(false);
  });

  it('accepts BCP 47 language tags, not the POSIX underscore form', () => {
    for (const valid of ['en', 'en-US', 'zh-Hant-TW', 'de-CH-1996']) expect(isLocale(valid)).toBe(true);
    for (const invalid of ['en_US', 'e', 'en--US', 'en-US-', '123', '']) expect(isLocale(invalid)).toBe(false);
  });

  it('takes E.164 phone numbers with an optional RFC 3966 extension', () => {
    for (const valid of ['+14155552671', '+442071838750', '+16045551234;ext=5678']) expect(PHONE_NUMBER_PATTERN.test(valid)).toBe(true);
    for (const invalid of ['4155552671', '+0123', '+1 415 555 2671', '+1234567890123456', '+1;ext=']) expect(PHONE_NUMBER_PATTERN.test(invalid)).toBe(false);
  });

  it('keeps control and invisible characters out of text, line breaks only where an address spans lines', () => {
    expect(PLAIN_TEXT_PATTERN.test('Jane Doe')).toBe(true);
    expect(PLAIN_TEXT_PATTERN.test('Jane\nDoe')).toBe(false);
    expect(PLAIN_TEXT_PATTERN.test('Jane\u200bDoe')).toBe(false);
    expect(MULTILINE_TEXT_PATTERN.test('1 Main St\nSpringfield')).toBe(true);
    expect(MULTILINE_TEXT_PATTERN.test('1 Main St\u0000')).toBe(false);
  });
});
