import { randomInt } from 'node:crypto';

/**
 * RFC 8628 §6.1: 20 consonants (no vowels, so no words; no look-alike pairs), 8 of them: about
 * 34.5 bits, enough with rate-limited guesses and a short lifetime.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code, stored and compared in its normal form (8 letters, no dash). */
export function generateUserCode(): string {
  let code = '';
  for (let index = 0; index < USER_CODE_LENGTH; index++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** How the user reads it: `XXXX-XXXX`. */
export function displayUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What the user typed, in normal form: case, dashes and spaces ignored (§6.1); null when it cannot
 * be a user code (then no lookup is made, though the guess still counts).
 */
export function normalizeUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const letters = input.replace(/[\s-]/g, '');
  // ASCII first: toUpperCase would turn some other letters into these (ß into SS).
  if (!/^[A-Za-z]+$/.test(letters) || letters.length !== USER_CODE_LENGTH) return null;
  const code = letters.toUpperCase();
  for (const letter of code) if (!USER_CODE_ALPHABET.includes(letter)) return null;
  return code;
}
