import { InvalidRequest } from '#oauth';
import { singleValue, type RawQuery } from './query-params.js';

export type Prompt = 'none' | 'login' | 'consent';

/** What the client asks of the sign-in and consent steps (OpenID Connect Core 1.0 §3.1.2.1). */
export interface InteractionRequest {
  prompt: Prompt[];
  /** Seconds since the user's last password entry beyond which they must sign in again. */
  maxAge: number | null;
  /** Pre-fills the user name on the login page. */
  loginHint: string | null;
  /** The id token as sent; its signature is checked by the service (it needs the keys). */
  idTokenHint: string | null;
}

const PROMPTS: readonly string[] = ['none', 'login', 'consent'];
/** Beyond this, max_age means "never": the limit keeps the arithmetic exact. */
const MAX_MAX_AGE = 2_147_483_647;
/** As long as a user name may be; a longer hint is not a user name and is ignored. */
const MAX_LOGIN_HINT_LENGTH = 255;

/**
 * prompt: space-separated values among none, login, consent; none alone (§3.1.2.1: "If this
 * parameter contains none with any other value, an error is returned"); select_account is not
 * offered (one account per browser), so it is refused like any unknown value. max_age: a
 * non-negative integer in decimal digits.
 */
export function resolveInteraction(query: RawQuery): InteractionRequest {
  const prompt = parsePrompt(singleValue(query, 'prompt'));
  const rawMaxAge = singleValue(query, 'max_age');
  let maxAge: number | null = null;
  if (rawMaxAge !== undefined) {
    if (!/^[0-9]{1,10}$/.test(rawMaxAge) || Number(rawMaxAge) > MAX_MAX_AGE) throw new InvalidRequest('max_age must be a non-negative integer number of seconds');
    maxAge = Number(rawMaxAge);
  }
  const loginHint = singleValue(query, 'login_hint');
  const idTokenHint = singleValue(query, 'id_token_hint');
  return {
    prompt,
    maxAge,
    loginHint: loginHint && loginHint.length <= MAX_LOGIN_HINT_LENGTH ? loginHint : null,
    idTokenHint: idTokenHint ? idTokenHint : null,
  };
}

function parsePrompt(raw: string | undefined): Prompt[] {
  if (raw === undefined || raw === '') return [];
  const values = raw.split(' ');
  if (values.some((value) => !PROMPTS.includes(value))) throw new InvalidRequest('prompt values are none, login and consent, separated by single spaces');
  const prompt = [...new Set(values)] as Prompt[];
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with another value');
  return prompt;
}
