/**
 * Keys whose values never reach the audit table: secrets, password(s), hashes, tokens, PKCE
 * verifiers. Matched on the key's last word so that e.g. `clientSecret`, `password_hash` and
 * `refresh_token` are hidden while `accessTokenLifetime` (a setting, not a token) stays readable.
 */
const SENSITIVE_KEY = /(secret|secrets|password|passwords|hash|token|tokens|code_?verifier)$/i;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/** NUL and lone surrogates: PostgreSQL text and jsonb refuse them, which would lose the whole batch. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What a hostile input wrote stays visible (as U+FFFD) instead of making its audit row vanish. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

export function redactForAudit(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redactForAudit(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[storableText(key)] = SENSITIVE_KEY.test(key) ? REDACTED : redactForAudit(item, depth + 1);
  return out;
}
