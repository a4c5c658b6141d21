/** Value formats of the standard claims (OpenID Connect Core 1.0 §5.1), as the admin API checks them. */

/** E.164 (`+` and up to 15 digits), optionally with an RFC 3966 extension, as §5.1 recommends. */
export const PHONE_NUMBER_PATTERN = /^\+[1-9][0-9]{1,14}(;ext=[0-9]{1,10})?$/;

/** Printable text: no control, format (invisible) characters or lone surrogates. */
export const PLAIN_TEXT_PATTERN = /^[^\p{Cc}\p{Cf}\p{Cs}]+$/u;

/** Like PLAIN_TEXT_PATTERN, but line breaks allowed (a formatted or street address spans lines). */
export const MULTILINE_TEXT_PATTERN = /^(?:[^\p{Cc}\p{Cf}\p{Cs}]|\r?\n)+$/u;

/** §5.1 birthdate: ISO 8601 YYYY-MM-DD, 0000-MM-DD when the year is withheld, or YYYY alone. */
export function isBirthdate(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/.exec(value);
  if (!match) return false;
  const [, year, month, day] = match;
  if (month === undefined) return year !== '0000';
  // 0000 stands for "withheld": check the day against a leap year so that 0000-02-29 passes.
  const checkedYear = year === '0000' ? 2000 : Number(year);
  const date = new Date(Date.UTC(checkedYear, Number(month) - 1, Number(day)));
  return date.getUTCFullYear() === checkedYear && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** §5.1 zoneinfo: a zoneinfo (IANA) time zone name the runtime knows, e.g. Europe/Paris. */
export function isTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** §5.1 locale: a BCP 47 language tag (en-US, fr, zh-Hant-TW). */
export function isLocale(value: string): boolean {
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}
