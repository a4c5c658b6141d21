/** RFC 7636 §4.1 and §4.2: code_verifier and code_challenge are both 43*128unreserved. */
export const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

export function isPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}
