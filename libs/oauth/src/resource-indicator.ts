/** Longest resource identifier accepted: far above any real API URL, far below a request's limits. */
export const MAX_RESOURCE_INDICATOR_LENGTH = 2048;

/**
 * RFC 8707 §2: a resource indicator is an absolute URI (RFC 3986 §4.3) without a fragment. The
 * admin API's resource identifiers and the `resource` request parameter share this grammar.
 * Whitespace and control characters are refused outright (URL parsing would strip some of them).
 */
export function isResourceIndicator(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RESOURCE_INDICATOR_LENGTH) return false;
  if (value.includes('#') || /[\s\x00-\x1f\x7f]/.test(value)) return false;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
