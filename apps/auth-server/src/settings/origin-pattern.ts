/**
 * An origin pattern of the `clientIdMetadataDocumentHosts` setting: `http` or `https`, a host name
 * or IP literal (IPv6 in brackets), and a port or `*` for any port (no port: the scheme's default).
 * Nothing else: no path, no wildcard host, so a pattern names exactly the hosts it means.
 */
export const ORIGIN_PATTERN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\*|6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?$/i;

export const MAX_ORIGIN_PATTERNS = 50;

export interface OriginPattern {
  scheme: 'http' | 'https';
  host: string;
  /** `*` for any port; else the port as a string, the scheme's default when the pattern gives none. */
  port: string;
}

export function parseOriginPattern(pattern: string): OriginPattern | null {
  const match = ORIGIN_PATTERN.exec(pattern);
  if (!match) return null;
  const scheme = match[1].toLowerCase() as 'http' | 'https';
  const port = match[3] ?? (scheme === 'https' ? '443' : '80');
  return { scheme, host: match[2].toLowerCase(), port };
}

/** Whether a URL's origin is one of the patterns (scheme, host and port; the host compared without case). */
export function originMatches(url: URL, patterns: readonly string[]): boolean {
  const scheme = url.protocol.slice(0, -1);
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const host = url.hostname.toLowerCase();
  return patterns.some((raw) => {
    const pattern = parseOriginPattern(raw);
    return pattern !== null && pattern.scheme === scheme && pattern.host === host && (pattern.port === '*' || pattern.port === port);
  });
}
