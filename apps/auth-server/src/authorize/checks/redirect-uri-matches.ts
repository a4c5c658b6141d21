/** A loopback redirect URI split into host and the rest, without its port (RFC 8252 §7.3). */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?].*)?$/;

/**
 * Simple string comparison (RFC 9700 §4.1.3; RFC 3986 §6.2.1): no case folding, no decoding, no
 * path normalisation. The one exception is RFC 8252 §7.3: a registered IP-literal loopback URI
 * accepts any port, everything else (host spelling, path, query) still exactly equal.
 * `localhost` gets no such leeway: it may resolve elsewhere.
 */
export function redirectUriMatches(requested: string, registered: string): boolean {
  if (requested === registered) return true;
  const wanted = LOOPBACK.exec(registered);
  const given = LOOPBACK.exec(requested);
  if (!wanted || !given) return false;
  const port = given[2] === undefined ? 80 : Number(given[2]);
  return wanted[1] === given[1] && (wanted[3] ?? '') === (given[3] ?? '') && port >= 1 && port <= 65535;
}
