/** The fields of RFC 8414 / OpenID Connect Discovery 1.0 metadata the resource server uses. */
export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
}

const FETCH_TIMEOUT_MS = 5000;

/**
 * Where an issuer's metadata lives, in the order tried: RFC 8414 §3 inserts the well-known
 * segment between the host and the issuer's path; OpenID Connect Discovery §4 appends it.
 * `baseUrl` is where this process reaches the server (AUTH_SERVER_URL, else the issuer).
 */
export function metadataUrls(baseUrl: string): string[] {
  const base = new URL(baseUrl);
  const path = base.pathname.replace(/\/+$/, '');
  return [`${base.origin}/.well-known/oauth-authorization-server${path}`, `${base.origin}${path}/.well-known/openid-configuration`];
}

/**
 * Fetches the first metadata document that answers and checks it names `issuer` (RFC 8414 §3.3,
 * OpenID Connect Discovery §4.3: a document for another issuer must not be used).
 */
export async function fetchAuthorizationServerMetadata(issuer: string, baseUrl: string): Promise<AuthorizationServerMetadata> {
  const failures: string[] = [];
  for (const url of metadataUrls(baseUrl)) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      failures.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (response.status !== 200) {
      failures.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const metadata = (await response.json()) as Partial<AuthorizationServerMetadata>;
    if (metadata.issuer !== issuer) throw new Error(`${url} names the issuer ${String(metadata.issuer)}, not AUTH_ISSUER ${issuer}`);
    return { issuer, jwks_uri: stringOrUndefined(metadata.jwks_uri), introspection_endpoint: stringOrUndefined(metadata.introspection_endpoint) };
  }
  throw new Error(`no authorization server metadata: ${failures.join('; ')}`);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
