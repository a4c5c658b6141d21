import { timingSafeEqual } from 'node:crypto';

/** RFC 6749 §10.12: a form post counts only when it carries the token of the pending request. */
export function csrfTokenMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
